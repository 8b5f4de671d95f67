package fr.rempart.signin;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.notify.Notices;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Hardening that needs what the leak does not give. The attacker holds the leaked facts and
 * sometimes the password (phished, or reused from another leak): so on an account an incident
 * flagged, whose owner reported giving a password away, or whose second factor the helpdesk
 * removed, the forced password change and the second-factor enrolment are completed only in a
 * session that proved control of a contact on file — a code sent to the e-mail address on file
 * (bound to the session that asked for it, 15 minutes), or the activation code printed in the
 * breach letter, or in a letter of its own, for members without e-mail, 90 days). Codes are single
 * use, kept as keyed MACs, sent only to their addressee (no staff page or API shows one; the letter's
 * code is in the print shop's PDF, which only security administrators download, audited), and tried
 * under the member's own attempt counter ({@code hp:}), as sign-in failures are. A proof ends the
 * member's other sessions (one that signed in with the same password in parallel cannot ride on it)
 * and is told to the member by e-mail.
 */
@ApplicationScoped
public class HardeningProofs implements HardeningGate {

    /** The attempt scope of the member's proof codes. */
    static String attemptScope(MemberId member) {
        return "hp:" + member.value();
    }

    public enum Check { PROVEN, WRONG, LOCKED, MALFORMED }

    public enum Sent { SENT, NO_EMAIL, LIMITED }

    static final Duration EMAIL_CODE_LIFETIME = Duration.ofMinutes(15);
    static final Duration LETTER_CODE_LIFETIME = Duration.ofDays(90);
    /** How long a proven session may finish the hardening. */
    static final Duration PROOF_LIFETIME = Duration.ofHours(1);
    /**
     * E-mail codes one session may ask for in an hour (enough for a lost message), and the whole
     * member (several attempts, too few to flood a mailbox): a password holder who spends the member's
     * allowance only delays her, and the forgotten-password link, which the page offers, ends it.
     */
    static final int EMAIL_CODES_PER_SESSION_HOUR = 3;
    static final int EMAIL_CODES_PER_MEMBER_HOUR = 10;
    private static final char[] LETTER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    KeyRing keys;
    @Inject
    FailureCounter failures;
    @Inject
    SessionStore sessions;
    @Inject
    MemberRepository members;
    @Inject
    Notices notices;
    @Inject
    AuditTrail audit;
    @Inject
    SecurityTimeline timeline;
    @Inject
    NoticeQueue letters;

    /** For an operator command running without the server (the breach-list import): it requires proofs, and queues the letters that go with them. */
    public static HardeningProofs standalone(Jdbc jdbc, Settings settings) {
        HardeningProofs proofs = new HardeningProofs();
        proofs.clock = Clock.systemUTC();
        proofs.jdbc = jdbc;
        proofs.members = new MemberRepository(jdbc, java.time.Clock.systemUTC());
        proofs.letters = NoticeQueue.standalone(jdbc, settings, proofs.members);
        return proofs;
    }

    /** Whether the member's hardening may only be finished after such a proof. */
    public boolean required(MemberId member) {
        return jdbc.one("select 1 from hardening_proof_required where member_id = ?", r -> 1, member.value()).isPresent();
    }

    /**
     * Requires the proof of one member (a report, the helpdesk); in the caller's transaction. A member
     * without e-mail is sent a letter with an activation code, the only proof such a member can give.
     */
    public void require(MemberId member, String reason) {
        if (!requireAll(List.of(member), reason).isEmpty()) {
            members.byId(member).filter(m -> m.email() == null && m.address() != null).ifPresent(m -> letters.queueActivationLetter(m.id()));
        }
    }

    /** Requires the proof of these members: one statement for an incident's batch, nobody twice (concurrent callers included). Returns those newly required. */
    public List<MemberId> requireAll(Collection<MemberId> ids, String reason) {
        if (ids.isEmpty()) {
            return List.of();
        }
        java.util.Set<MemberId> already = new java.util.HashSet<>(jdbc.list("select member_id from hardening_proof_required where member_id = any(?)",
                r -> new MemberId(r.getObject(1, java.util.UUID.class)), MemberRepository.uuids(ids)));
        jdbc.update("insert into hardening_proof_required (member_id, reason, since) select t.m, ?, ? from unnest(?) as t(m) "
                + "on conflict do nothing", shorten(reason), clock.instant(), MemberRepository.uuids(ids));
        return ids.stream().distinct().filter(id -> !already.contains(id)).toList();
    }

    /** Whether this session gave the proof (and it is still fresh). */
    public boolean proven(WebSession session) {
        return jdbc.one("select 1 from hardening_session_proof where sid = ? and member_id = ? and expires_at > ?", r -> 1, session.sid(),
                session.member().value(), clock.instant()).isPresent();
    }

    /** Sends a code to the e-mail address on file, for this session only. */
    public Sent sendEmailCode(Member member, WebSession session, ClientInfo client) {
        if (member.email() == null) {
            return Sent.NO_EMAIL;
        }
        Instant now = clock.instant();
        String code = String.format("%08d", RANDOM.nextInt(100_000_000));
        String number = member.number().value();
        return jdbc.transaction(c -> {
            // Counted under the member's row lock: two pages asking at once cannot both pass the limit.
            members.lock(c, member.id());
            record Recent(int session, int member) {
            }
            Recent recent = jdbc.one("select count(case when sid = ? then 1 end), count(*) from hardening_code where member_id = ? "
                    + "and channel = 'EMAIL' and created_at > ?", r -> new Recent(r.getInt(1), r.getInt(2)), session.sid(), member.id().value(),
                    now.minus(Duration.ofHours(1))).orElseThrow();
            if (recent.session() >= EMAIL_CODES_PER_SESSION_HOUR || recent.member() >= EMAIL_CODES_PER_MEMBER_HOUR) {
                audit.record(Actor.member(number), "hardening.code-refused", number, "too many codes asked for in an hour", "ip=" + client.address());
                return Sent.LIMITED;
            }
            Jdbc.execute(c, "insert into hardening_code (id, member_id, channel, sid, code_mac, created_at, expires_at) "
                    + "values (?, ?, 'EMAIL', ?, ?, ?, ?)", Secrets.token(16), member.id().value(), session.sid(), mac(member.id(), code), now,
                    now.plus(EMAIL_CODE_LIFETIME));
            notices.hardeningCode(member, code.substring(0, 4) + " " + code.substring(4), EMAIL_CODE_LIFETIME.toMinutes());
            audit.record(Actor.member(number), "hardening.code-sent", number, null, "channel=EMAIL to=" + member.email().masked()
                    + " ip=" + client.address());
            timeline.record(member.id(), "hardening.code-sent", client.address(), null);
            return Sent.SENT;
        });
    }

    /**
     * A new activation code for a letter to the member, printed once and never kept in clear. Earlier
     * letters' codes stay good until they expire or one of them is used: a reprint (a resent notice, a
     * second incident) does not void the letter the member already holds. Returned as {@code XXXX-XXXX-XXXX}.
     */
    public String letterCode(MemberId member) {
        char[] raw = new char[12];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = LETTER_ALPHABET[RANDOM.nextInt(LETTER_ALPHABET.length)];
        }
        String code = new String(raw);
        Instant now = clock.instant();
        jdbc.update("insert into hardening_code (id, member_id, channel, code_mac, created_at, expires_at) values (?, ?, 'LETTER', ?, ?, ?)",
                Secrets.token(16), member.value(), mac(member, code), now, now.plus(LETTER_CODE_LIFETIME));
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /**
     * Checks a code typed in this session: eight digits (the e-mail's, sent to this session) or twelve
     * characters (the letter's). Right, the code is spent, the session holds the proof, and every
     * other session of the member ends.
     */
    public Check verify(Member member, WebSession session, String typed, ClientInfo client) {
        String code = typed == null ? "" : typed.replaceAll("[\\s\\-]", "").toUpperCase(Locale.ROOT);
        String channel = code.matches("\\d{8}") ? "EMAIL" : code.matches("[A-Z2-9]{12}") ? "LETTER" : null;
        if (channel == null) {
            return Check.MALFORMED;
        }
        String scope = attemptScope(member.id());
        String number = member.number().value();
        if (!failures.tryAttempt(scope)) {
            audit.record(Actor.member(number), "hardening.refused-locked", number, null, "channel=" + channel + " ip=" + client.address());
            timeline.record(member.id(), "hardening.refused-locked", client.address(), null);
            return Check.LOCKED;
        }
        Instant now = clock.instant();
        byte[] typedMac = mac(member.id(), code).getBytes(StandardCharsets.US_ASCII);
        record Candidate(String id, String mac) {
        }
        List<Candidate> candidates = "EMAIL".equals(channel)
                ? jdbc.list("select id, code_mac from hardening_code where member_id = ? and channel = 'EMAIL' and sid = ? and used_at is null "
                + "and expires_at > ?", r -> new Candidate(r.getString(1), r.getString(2)), member.id().value(), session.sid(), now)
                : jdbc.list("select id, code_mac from hardening_code where member_id = ? and channel = 'LETTER' and used_at is null and expires_at > ?",
                r -> new Candidate(r.getString(1), r.getString(2)), member.id().value(), now);
        String matched = null;
        for (Candidate candidate : candidates) {
            if (MessageDigest.isEqual(typedMac, candidate.mac().getBytes(StandardCharsets.US_ASCII))) {
                matched = candidate.id();
            }
        }
        if (matched == null) {
            audit.record(Actor.member(number), "hardening.code-failed", number, null, "channel=" + channel + " ip=" + client.address()
                    + " failures=" + failures.failures(scope));
            timeline.record(member.id(), "hardening.code-failed", client.address(), null);
            return Check.WRONG;
        }
        String used = matched;
        boolean proven = jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update hardening_code set used_at = ? where id = ? and used_at is null", now, used) != 1) {
                return false; // the same code typed twice at once: one of them proves
            }
            // One proof spends the member's other letter codes too: a copy of an older letter proves nothing more.
            Jdbc.execute(c, "update hardening_code set used_at = ? where member_id = ? and channel = 'LETTER' and used_at is null", now,
                    member.id().value());
            Jdbc.execute(c, "delete from hardening_session_proof where sid = ?", session.sid());
            Jdbc.execute(c, "insert into hardening_session_proof (sid, member_id, channel, proven_at, expires_at) values (?, ?, ?, ?, ?)",
                    session.sid(), member.id().value(), channel, now, now.plus(PROOF_LIFETIME));
            sessions.revokeOthers(member.id(), session, "hardening-proof");
            audit.record(Actor.member(number), "hardening.proven", number, null, "channel=" + channel + " ip=" + client.address());
            timeline.record(member.id(), "hardening.proven", client.address(), channel);
            // A code the member was talked into reading out proves someone else: she hears of it at once.
            notices.hardeningProven(member);
            return true;
        });
        if (!proven) {
            return Check.WRONG;
        }
        failures.reset(scope);
        return Check.PROVEN;
    }

    /**
     * The hardening was finished with the proof ({@code how}: the proven session's channel, or the
     * forgotten-password link): the account no longer needs one, and relying parties stop seeing it at risk.
     */
    public void complete(Member member, String how) {
        jdbc.update("delete from hardening_session_proof where member_id = ?", member.id().value());
        if (jdbc.update("delete from hardening_proof_required where member_id = ?", member.id().value()) > 0) {
            String number = member.number().value();
            audit.record(Actor.member(number), "hardening.completed", number, null, "proof=" + how);
            timeline.record(member.id(), "hardening.completed", null, null);
        }
    }

    /** The channel that proved this session, for the audit trail. */
    public String channel(WebSession session) {
        return jdbc.one("select channel from hardening_session_proof where sid = ?", r -> r.getString(1), session.sid()).orElse("none");
    }

    /** Housekeeping: spent and expired codes and proofs; e-mail codes stay an hour, as the hourly limits count them. */
    public int purge() {
        Instant now = clock.instant();
        return jdbc.update("delete from hardening_code where (expires_at < ? or used_at is not null) and created_at < ?", now,
                now.minus(Duration.ofHours(1))) + jdbc.update("delete from hardening_session_proof where expires_at < ?", now);
    }

    private String mac(MemberId member, String normalisedCode) {
        return keys.macHex(KeyRing.Purpose.RECOVERY_CODE, "hardening:" + member.value() + ":" + normalisedCode);
    }

    private static String shorten(String reason) {
        return reason.length() <= 200 ? reason : reason.substring(0, 200);
    }
}
