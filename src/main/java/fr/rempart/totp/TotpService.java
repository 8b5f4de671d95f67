package fr.rempart.totp;

import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.util.Utils;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberService;
import fr.rempart.member.MemberSessions;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.notify.Notices;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The TOTP second factor: enrolment (160-bit secret, otpauth URI, QR code, activation by a first valid
 * code), verification where each time step is accepted once (the last accepted step is stored and
 * moved forward atomically, so a code cannot be replayed, not after a restart, not on another node),
 * recovery codes (10, shown once, kept as keyed MACs, each used once), and the helpdesk's reset.
 * Secrets are sealed with AES-GCM under the TOTP data key, itself wrapped by the master key.
 */
@ApplicationScoped
public class TotpService implements SecondFactor {

    /** The attempt scope of the member's second-factor codes. */
    public static String attemptScope(MemberId member) {
        return "otp:" + member.value();
    }

    public record Enrolment(String secret, String uri, String qrDataUri, String groupedKey) {
    }

    public static final int RECOVERY_CODES = 10;
    private static final char[] RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    KeyRing keys;
    @Inject
    Settings settings;
    @Inject
    FailureCounter failures;
    @Inject
    AuditTrail audit;
    @Inject
    SecurityTimeline timeline;
    @Inject
    MemberService members;
    @Inject
    Notices notices;
    @Inject
    MemberSessions sessions;
    @Inject
    Event<AccountEvent> events;
    @Inject
    HardeningGate proofs;

    /** How long a secret shown for enrolment waits for its first code. */
    static final java.time.Duration PENDING_LIFETIME = java.time.Duration.ofMinutes(10);

    /**
     * The secret this session is enrolling: the one it was shown, or a new one kept for this session
     * alone (ten minutes). Another session of the same member, holding the same password, never sees it.
     */
    public Enrolment enrolment(Member member, WebSession session) {
        Instant now = clock.instant();
        Optional<byte[]> pending = jdbc.one("select secret from totp_pending where sid = ? and member_id = ? and expires_at > ?",
                r -> r.getBytes(1), session.sid(), member.id().value(), now);
        if (pending.isPresent()) {
            return enrolment(member, open(member.id(), pending.get()));
        }
        String secret = newSecret();
        try {
            jdbc.transaction(c -> {
                Jdbc.execute(c, "delete from totp_pending where sid = ? or expires_at < ?", session.sid(), now);
                Jdbc.execute(c, "insert into totp_pending (sid, member_id, secret, created_at, expires_at) values (?, ?, ?, ?, ?)",
                        session.sid(), member.id().value(), seal(member.id(), secret), now, now.plus(PENDING_LIFETIME));
                return null;
            });
        } catch (Jdbc.DataAccessException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
            return enrolment(member, session); // the same page loaded twice at once: the other request's secret is the session's
        }
        return enrolment(member, secret);
    }

    /**
     * Makes the secret this session was shown the member's second factor, given a first valid code,
     * and returns the recovery codes to show once. Enrolling is a credential change: the member's
     * other sessions end, the member is told by e-mail, the audit trail and the timeline record it.
     * Empty for a wrong code, an expired or foreign enrolment, or a factor another session enrolled first.
     */
    public Optional<List<String>> confirm(Member member, WebSession session, String code, ClientInfo client) {
        if (proofs.required(member.id()) && !proofs.proven(session)) {
            return Optional.empty(); // the pages send such a session to the proof first; this holds whatever calls
        }
        Optional<String> pending = jdbc.one("select secret from totp_pending where sid = ? and member_id = ? and expires_at > ?",
                r -> open(member.id(), r.getBytes(1)), session.sid(), member.id().value(), clock.instant());
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        TotpCodes codes = new TotpCodes(settings.totpAlgorithm(), settings.totpDigits(), settings.totpPeriod());
        OptionalLong step = codes.matchingStep(pending.get(), normalise(code), clock.instant().getEpochSecond());
        if (step.isEmpty()) {
            return Optional.empty();
        }
        try {
            return jdbc.transaction(c -> {
                Instant now = clock.instant();
                if (Jdbc.execute(c, "delete from totp_pending where sid = ?", session.sid()) != 1
                        || Jdbc.execute(c, "insert into totp_credential (member_id, secret, algorithm, digits, period, confirmed, created_at, "
                                + "confirmed_at, last_step) select ?, ?, ?, ?, ?, true, ?, ?, ? where not exists "
                                + "(select 1 from totp_credential where member_id = ?)", member.id().value(), seal(member.id(), pending.get()),
                        settings.totpAlgorithm(), settings.totpDigits(), settings.totpPeriod(), now, now, step.getAsLong(), member.id().value()) != 1) {
                    return Optional.<List<String>>empty();
                }
                Jdbc.execute(c, "delete from totp_pending where member_id = ?", member.id().value());
                List<String> recovery = replaceRecoveryCodes(member.id());
                String number = member.number().value();
                audit.record(Actor.member(number), "totp.enrolled", number, null, "ip=" + client.address());
                timeline.record(member.id(), "totp.enrolled", client.address(), null);
                sessions.revokeOthers(member.id(), session, "totp-enrolled");
                events.fire(new AccountEvent.CredentialChanged(member.id(), "app", "create"));
                notices.secondFactorEnrolled(member);
                if (member.requiredActions().contains(RequiredAction.CONFIGURE_TOTP)) {
                    members.completeRequiredAction(member.id(), RequiredAction.CONFIGURE_TOTP, Actor.member(number));
                }
                return Optional.of(recovery);
            });
        } catch (Jdbc.DataAccessException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return Optional.empty(); // another session of the member enrolled at the same moment
            }
            throw e;
        }
    }

    @Override
    public boolean enrolled(MemberId member) {
        // Asked at every sign-in and token refresh: the flag alone, without unsealing the secret.
        return jdbc.one("select confirmed from totp_credential where member_id = ?", r -> r.getBoolean(1), member.value()).orElse(false);
    }

    @Override
    public Result verify(Member member, String typed, ClientInfo client) {
        Optional<Credential> found = credential(member.id()).filter(Credential::confirmed);
        if (found.isEmpty()) {
            return new Result(Outcome.NOT_ENROLLED, 0);
        }
        Credential credential = found.get();
        String code = normalise(typed);
        boolean totp = code.matches("\\d{" + credential.digits() + "}");
        boolean recovery = code.matches("[A-Z2-9]{10}");
        if (!totp && !recovery) {
            return new Result(Outcome.MALFORMED, 0);
        }
        String scope = attemptScope(member.id());
        if (!failures.tryAttempt(scope)) {
            timeline.record(member.id(), "otp.refused-locked", client.address(), null);
            return new Result(Outcome.LOCKED, 0);
        }
        String number = member.number().value();
        if (recovery) {
            boolean used = jdbc.update("update recovery_code set used_at = ? where member_id = ? and code_mac = ? and used_at is null",
                    clock.instant(), member.id().value(), recoveryMac(code)) == 1;
            if (!used) {
                audit.record(Actor.member(number), "otp.failed", number, null, "recovery code; ip=" + client.address());
                timeline.record(member.id(), "otp.failed", client.address(), null);
                return new Result(Outcome.INVALID, 0);
            }
            failures.reset(scope);
            int left = recoveryCodesLeft(member.id());
            audit.record(Actor.member(number), "otp.recovery-code-used", number, null, "left=" + left + " ip=" + client.address());
            timeline.record(member.id(), "otp.recovery-code-used", client.address(), String.valueOf(left));
            return new Result(Outcome.RECOVERY_ACCEPTED, left);
        }
        OptionalLong step = codes(credential).matchingStep(credential.secret(), code, clock.instant().getEpochSecond());
        if (step.isEmpty()) {
            audit.record(Actor.member(number), "otp.failed", number, null, "ip=" + client.address());
            timeline.record(member.id(), "otp.failed", client.address(), null);
            return new Result(Outcome.INVALID, 0);
        }
        // The step moves forward only if no later or equal step was accepted: a replay finds no row to update.
        boolean fresh = jdbc.update("update totp_credential set last_step = ? where member_id = ? and confirmed = true and last_step < ?",
                step.getAsLong(), member.id().value(), step.getAsLong()) == 1;
        if (!fresh) {
            audit.record(Actor.member(number), "otp.replayed", number, null, "step=" + step.getAsLong() + " ip=" + client.address());
            timeline.record(member.id(), "otp.replayed", client.address(), null);
            // A replayed code may be a phished one: the member hears of it by e-mail, not only the person typing.
            notices.codeReplayed(member);
            return new Result(Outcome.REPLAYED, 0);
        }
        failures.reset(scope);
        return new Result(Outcome.ACCEPTED, 0);
    }

    /** Replaces the recovery codes (the old ones stop working) and returns the new ones, to show once. */
    public List<String> regenerateRecoveryCodes(Member member, ClientInfo client) {
        return jdbc.transaction(c -> {
            List<String> codes = replaceRecoveryCodes(member.id());
            audit.record(Actor.member(member.number().value()), "otp.recovery-codes-regenerated", member.number().value(), null, "ip=" + client.address());
            timeline.record(member.id(), "otp.recovery-codes-regenerated", client.address(), null);
            return codes;
        });
    }

    @Override
    public Summary summary(MemberId member) {
        Optional<Credential> credential = credential(member).filter(Credential::confirmed);
        return new Summary(credential.isPresent(), credential.map(Credential::confirmedAt).orElse(null), recoveryCodesLeft(member));
    }

    public int recoveryCodesLeft(MemberId member) {
        return jdbc.one("select count(*) from recovery_code where member_id = ? and used_at is null", r -> r.getInt(1), member.value()).orElse(0);
    }

    /**
     * The helpdesk's hook: removes the second factor and its recovery codes, ends the member's
     * sessions, requires a new enrolment at the next sign-in, and tells the member by e-mail.
     */
    public void reset(Member member, Actor actor, String reason) {
        jdbc.transaction(c -> {
            Jdbc.execute(c, "delete from totp_credential where member_id = ?", member.id().value());
            Jdbc.execute(c, "delete from recovery_code where member_id = ?", member.id().value());
            Jdbc.execute(c, "delete from totp_pending where member_id = ?", member.id().value());
            sessions.revokeAll(member.id(), "totp-reset");
            events.fire(new AccountEvent.CredentialChanged(member.id(), "app", "delete"));
            members.requireAction(member.id(), RequiredAction.CONFIGURE_TOTP, actor, reason);
            // Whoever enrolled the removed factor may hold the password too: the next one is enrolled behind a proof of the contact on file.
            proofs.require(member.id(), "second factor reset: " + reason);
            audit.record(actor, "totp.reset", member.number().value(), reason, null);
            timeline.record(member.id(), "totp.reset", null, null);
            notices.secondFactorReset(member);
            return null;
        });
    }

    /** Typed codes may carry spaces or dashes ("123 456", "ABCDE-FGHJK"); case does not matter. */
    static String normalise(String code) {
        return code == null ? "" : code.replaceAll("[\\s\\-]", "").toUpperCase(Locale.ROOT);
    }

    private List<String> replaceRecoveryCodes(MemberId member) {
        List<String> codes = new ArrayList<>();
        Instant now = clock.instant();
        jdbc.transaction(c -> {
            Jdbc.execute(c, "delete from recovery_code where member_id = ?", member.value());
            while (codes.size() < RECOVERY_CODES) {
                char[] raw = new char[10];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = RECOVERY_ALPHABET[RANDOM.nextInt(RECOVERY_ALPHABET.length)];
                }
                String code = new String(raw);
                if (!codes.contains(code)) {
                    codes.add(code);
                    Jdbc.execute(c, "insert into recovery_code (member_id, code_mac, created_at) values (?, ?, ?)", member.value(), recoveryMac(code), now);
                }
            }
            return null;
        });
        return codes.stream().map(code -> code.substring(0, 5) + "-" + code.substring(5)).toList();
    }

    private String recoveryMac(String normalisedCode) {
        return keys.macHex(KeyRing.Purpose.RECOVERY_CODE, normalisedCode);
    }

    private Enrolment enrolment(Member member, String secret) {
        return enrolment(settings.mutualName(), member.number().value(), secret, settings.totpAlgorithm(), settings.totpDigits(), settings.totpPeriod());
    }

    /** A new 160-bit secret in base32 (32 characters). */
    public static String newSecret() {
        return new DefaultSecretGenerator(32).generate();
    }

    /**
     * What an enrolment page shows for a secret: the {@code otpauth} URI, its QR code as a data URI,
     * and the key in groups of four. Members and staff enrol through the same drawing.
     */
    public static Enrolment enrolment(String issuer, String account, String secret, String algorithm, int digits, int period) {
        QrData data = new QrData.Builder().label(issuer + ":" + account).secret(secret).issuer(issuer)
                .algorithm(HashingAlgorithm.valueOf(algorithm)).digits(digits).period(period).build();
        String qr;
        try {
            ZxingPngQrGenerator generator = new ZxingPngQrGenerator();
            generator.setImageSize(240);
            qr = Utils.getDataUriForImage(generator.generate(data), generator.getImageMimeType());
        } catch (QrGenerationException e) {
            throw new IllegalStateException("Cannot draw the QR code", e);
        }
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < secret.length(); i += 4) {
            grouped.append(i == 0 ? "" : " ").append(secret, i, Math.min(i + 4, secret.length()));
        }
        return new Enrolment(secret, data.getUri(), qr, grouped.toString());
    }

    private record Credential(String secret, String algorithm, int digits, int period, boolean confirmed, Instant confirmedAt) {
    }

    private Optional<Credential> credential(MemberId member) {
        return jdbc.one("select secret, algorithm, digits, period, confirmed, confirmed_at from totp_credential where member_id = ?",
                r -> new Credential(open(member, r.getBytes("secret")), r.getString("algorithm"), r.getInt("digits"), r.getInt("period"),
                        r.getBoolean("confirmed"), Jdbc.instant(r, "confirmed_at")), member.value());
    }

    private static TotpCodes codes(Credential credential) {
        return new TotpCodes(credential.algorithm(), credential.digits(), credential.period());
    }

    private byte[] seal(MemberId member, String secret) {
        return keys.seal(KeyRing.Purpose.TOTP, secret.getBytes(StandardCharsets.US_ASCII), context(member));
    }

    private String open(MemberId member, byte[] sealed) {
        return new String(keys.open(sealed, context(member)), StandardCharsets.US_ASCII);
    }

    private static byte[] context(MemberId member) {
        return ("totp-secret:" + member.value()).getBytes(StandardCharsets.US_ASCII);
    }
}
