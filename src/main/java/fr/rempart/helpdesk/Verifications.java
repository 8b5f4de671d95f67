package fr.rempart.helpdesk;

import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.notify.Notices;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Proving that the caller is the member without the facts that leaked (name, birth date, NIR are
 * known to fraudsters): a one-time code sent to the contact on file, read back by the caller; or an
 * identity document checked face to face, recorded by the agent with what was checked. A proof
 * belongs to one agent and one member, lasts {@code rempart.helpdesk.verification-lifetime}, and a
 * code is accepted once: typed again, it is refused as a replay.
 */
@ApplicationScoped
public class Verifications {

    private Clock clock;

    public enum Method { EMAIL_CODE, SMS_CODE, IN_PERSON }

    /** How a typed code fared. */
    public enum Check { VERIFIED, WRONG, REPLAYED, EXPIRED, LOCKED, UNKNOWN }

    /** A proof started (and, face to face, already given): {@code sentTo} is the masked contact the code went to. */
    public record Proof(String id, Method method, String sentTo, Instant expiresAt, Instant verifiedAt) {
        public boolean verified() {
            return verifiedAt != null;
        }
    }

    static final int MAX_ATTEMPTS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Jdbc jdbc;
    private KeyRing keys;
    private AuditTrail audit;
    private SecurityTimeline timeline;
    private Notices notices;
    private Duration lifetime;

    protected Verifications() {
    }

    @Inject
    public Verifications(Jdbc jdbc, KeyRing keys, AuditTrail audit, SecurityTimeline timeline, Notices notices, Settings settings, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.keys = keys;
        this.audit = audit;
        this.timeline = timeline;
        this.notices = notices;
        this.lifetime = settings.helpdeskVerificationLifetime();
    }

    /**
     * Sends a six-digit code to the member's e-mail ({@code EMAIL_CODE}) or mobile phone ({@code SMS_CODE})
     * on file; the agent asks the caller to read it back.
     */
    public Proof sendCode(Member member, Agent agent, Method channel) {
        boolean sms = channel == Method.SMS_CODE;
        if (channel == Method.IN_PERSON || (sms ? !mobile(member) : member.email() == null)) {
            throw new ProblemException(409, sms ? "helpdesk.verification.no-phone" : "helpdesk.verification.no-contact");
        }
        String id = Secrets.token(16);
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        Instant now = now();
        String sentTo = sms ? member.phone().maskedForStaff() : member.email().masked();
        jdbc.transaction(c -> {
            Jdbc.execute(c, "insert into helpdesk_verification (id, member_id, agent, method, code_mac, sent_to, attempts, created_at, expires_at) "
                    + "values (?, ?, ?, ?, ?, ?, 0, ?, ?)", id, member.id().value(), agent.id(), channel.name(), mac(id, code), sentTo, now,
                    now.plus(lifetime));
            if (sms) {
                notices.helpdeskCodeSms(member, code, lifetime.toMinutes());
            } else {
                notices.helpdeskCode(member, code, lifetime.toMinutes());
            }
            audit.record(agent.actor(), "helpdesk.verification-sent", member.number().value(), null, "method=" + channel.name() + " to=" + sentTo);
            timeline.record(member.id(), "helpdesk.verification-sent", null, null);
            return null;
        });
        return new Proof(id, channel, sentTo, now.plus(lifetime), null);
    }

    /** Records an identity document checked face to face; {@code checked} says which (never its number). */
    public Proof inPerson(Member member, Agent agent, String checked) {
        String id = Secrets.token(16);
        Instant now = now();
        jdbc.transaction(c -> {
            Jdbc.execute(c, "insert into helpdesk_verification (id, member_id, agent, method, note, attempts, created_at, expires_at, verified_at) "
                    + "values (?, ?, ?, ?, ?, 0, ?, ?, ?)", id, member.id().value(), agent.id(), Method.IN_PERSON.name(), checked, now, now.plus(lifetime), now);
            audit.record(agent.actor(), "helpdesk.verified-in-person", member.number().value(), checked, null);
            timeline.record(member.id(), "helpdesk.verified-in-person", null, null);
            return null;
        });
        return new Proof(id, Method.IN_PERSON, null, now.plus(lifetime), now);
    }

    /** Checks the code the caller read back: once right, never again (a replay); five wrong and the proof is spent. */
    public Check confirm(Member member, Agent agent, String id, String typed) {
        String code = typed == null ? "" : typed.replaceAll("\\s", "");
        return jdbc.transaction(c -> {
            String mac;
            Instant expires;
            Instant verified;
            int attempts;
            try (var s = Jdbc.prepare(c, "select code_mac, expires_at, verified_at, attempts from helpdesk_verification "
                    + "where id = ? and member_id = ? and agent = ? and method <> 'IN_PERSON' for update", id, member.id().value(), agent.id());
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Check.UNKNOWN;
                }
                mac = r.getString("code_mac");
                expires = Jdbc.instant(r, "expires_at");
                verified = Jdbc.instant(r, "verified_at");
                attempts = r.getInt("attempts");
            }
            Check check;
            if (verified != null) {
                check = Check.REPLAYED;
            } else if (expires.isBefore(clock.instant())) {
                check = Check.EXPIRED;
            } else if (attempts >= MAX_ATTEMPTS) {
                check = Check.LOCKED;
            } else if (code.matches("\\d{6}") && MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                    mac(id, code).getBytes(StandardCharsets.US_ASCII))) {
                Jdbc.execute(c, "update helpdesk_verification set verified_at = ? where id = ?", now(), id);
                check = Check.VERIFIED;
            } else {
                Jdbc.execute(c, "update helpdesk_verification set attempts = attempts + 1 where id = ?", id);
                check = Check.WRONG;
            }
            audit.record(agent.actor(), check == Check.VERIFIED ? "helpdesk.verified" : "helpdesk.verification-failed", member.number().value(),
                    null, "outcome=" + check.name());
            if (check == Check.VERIFIED) {
                timeline.record(member.id(), "helpdesk.verified", null, null);
            }
            return check;
        });
    }

    /** The proof, if this agent proved this member within its lifetime. */
    public Optional<Proof> valid(Member member, Agent agent, String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return find(member, agent, id).filter(p -> p.verified() && p.verifiedAt().plus(lifetime).isAfter(clock.instant()));
    }

    /** This agent's latest proof for this member (the console shows where it stands). */
    public Optional<Proof> latest(Member member, Agent agent) {
        return jdbc.one("select id, method, sent_to, expires_at, verified_at from helpdesk_verification where member_id = ? and agent = ? "
                + "order by created_at desc fetch first 1 rows only", Verifications::proof, member.id().value(), agent.id());
    }

    private Optional<Proof> find(Member member, Agent agent, String id) {
        return jdbc.one("select id, method, sent_to, expires_at, verified_at from helpdesk_verification where id = ? and member_id = ? and agent = ?",
                Verifications::proof, id, member.id().value(), agent.id());
    }

    private static Proof proof(ResultSet r) throws java.sql.SQLException {
        return new Proof(r.getString("id"), Method.valueOf(r.getString("method")), r.getString("sent_to"), Jdbc.instant(r, "expires_at"),
                Jdbc.instant(r, "verified_at"));
    }

    /** The code is never stored: its MAC, bound to the proof's id, so one proof's code is nothing for another. */
    private String mac(String id, String code) {
        return keys.macHex(KeyRing.Purpose.COOKIE, "helpdesk-code:" + id + ":" + code);
    }

    /** A number a text message reaches: in France, 06 and 07 only (a landline would never get the code). */
    public static boolean mobile(Member member) {
        if (member.phone() == null) {
            return false;
        }
        String e164 = member.phone().e164();
        return !e164.startsWith("+33") || e164.startsWith("+336") || e164.startsWith("+337");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
