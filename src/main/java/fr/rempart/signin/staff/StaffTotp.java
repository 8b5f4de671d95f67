package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.totp.TotpCodes;
import fr.rempart.totp.TotpService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The staff's second factor, which every staff account must have. Enrolment keeps the new secret in
 * the enrolling session (sealed), not in the account, so two browsers holding the same password never
 * see the same secret; the first valid code moves it to the account. Verification takes an attempt
 * on the account's code scope ({@code sotp:}) before checking, compares the candidates in constant
 * time ({@link TotpCodes}) and accepts each time step once (the last accepted step only moves
 * forward, in one conditional update). Secrets are sealed under the TOTP data key, bound to the
 * account ({@code staff-totp:<id>}). There are no recovery codes: a lost phone goes through a
 * security administrator, not through facts an attacker may know.
 */
@ApplicationScoped
public class StaffTotp {

    private Clock clock;

    public enum Outcome { ACCEPTED, INVALID, REPLAYED, LOCKED, MALFORMED, NOT_ENROLLED }

    private StaffRepository staff;
    private StaffSessionStore sessions;
    private KeyRing keys;
    private Settings settings;
    private FailureCounter failures;
    private AuditTrail audit;

    protected StaffTotp() {
    }

    @Inject
    public StaffTotp(StaffRepository staff, StaffSessionStore sessions, KeyRing keys, Settings settings, FailureCounter failures, AuditTrail audit, Clock clock) {
        this.clock = clock;
        this.staff = staff;
        this.sessions = sessions;
        this.keys = keys;
        this.settings = settings;
        this.failures = failures;
        this.audit = audit;
    }

    /** The attempt scope of an account's codes. */
    static String scope(StaffId id) {
        return "sotp:" + id.value();
    }

    /** The enrolment this session shows: its pending secret, or a new one kept in the session. */
    public TotpService.Enrolment enrolment(StaffAccount account, StaffSession session) {
        byte[] sealed = sessions.pendingTotp(session).orElseGet(() -> {
            byte[] fresh = seal(account.id(), TotpService.newSecret());
            sessions.storePendingTotp(session, fresh);
            return fresh;
        });
        return TotpService.enrolment(settings.mutualName(), account.username().value(), open(account.id(), sealed),
                settings.totpAlgorithm(), settings.totpDigits(), settings.totpPeriod());
    }

    /**
     * Makes the session's pending secret the account's second factor if the code is valid for it.
     * False for a wrong code, no enrolment in progress, or an account that another session enrolled
     * first. The confirming code's step counts as used.
     */
    public boolean confirm(StaffAccount account, StaffSession session, String typed, ClientInfo client) {
        Optional<byte[]> sealed = sessions.pendingTotp(session);
        if (sealed.isEmpty()) {
            return false;
        }
        String algorithm = settings.totpAlgorithm();
        int digits = settings.totpDigits();
        int period = settings.totpPeriod();
        OptionalLong step = new TotpCodes(algorithm, digits, period).matchingStep(open(account.id(), sealed.get()), normalise(typed),
                clock.instant().getEpochSecond());
        if (step.isEmpty() || !staff.confirmTotp(account.id(), sealed.get(), algorithm, digits, period, step.getAsLong())) {
            return false;
        }
        audit.record(Actor.staff(account.username().value()), "staff.totp.enrolled", account.auditSubject(), null, "ip=" + client.address());
        return true;
    }

    /** Checks a code at sign-in; each outcome but MALFORMED and NOT_ENROLLED is counted and audited. */
    public Outcome verify(StaffAccount account, String typed, ClientInfo client) {
        Optional<StaffRepository.TotpRecord> found = staff.totp(account.id());
        if (found.isEmpty()) {
            return Outcome.NOT_ENROLLED;
        }
        StaffRepository.TotpRecord totp = found.get();
        String code = normalise(typed);
        if (!code.matches("\\d{" + totp.digits() + "}")) {
            return Outcome.MALFORMED;
        }
        Actor actor = Actor.staff(account.username().value());
        String scope = scope(account.id());
        if (!failures.tryAttempt(scope)) {
            audit.record(actor, "staff.otp.refused-locked", account.auditSubject(), null, "ip=" + client.address());
            return Outcome.LOCKED;
        }
        OptionalLong step = new TotpCodes(totp.algorithm(), totp.digits(), totp.period())
                .matchingStep(open(account.id(), totp.sealedSecret()), code, clock.instant().getEpochSecond());
        if (step.isEmpty()) {
            audit.record(actor, "staff.otp.failed", account.auditSubject(), null, "ip=" + client.address() + " failures=" + failures.failures(scope));
            return Outcome.INVALID;
        }
        if (!staff.acceptStep(account.id(), step.getAsLong())) {
            // Someone else saw this code: the audit trail keeps it for the security team.
            audit.record(actor, "staff.otp.replayed", account.auditSubject(), null, "step=" + step.getAsLong() + " ip=" + client.address());
            return Outcome.REPLAYED;
        }
        failures.reset(scope);
        return Outcome.ACCEPTED;
    }

    /** A secret given whole (demo data): sealed for the account, as an enrolment would. */
    byte[] seal(StaffId id, String secret) {
        return keys.seal(KeyRing.Purpose.TOTP, secret.getBytes(StandardCharsets.US_ASCII), context(id));
    }

    private String open(StaffId id, byte[] sealed) {
        return new String(keys.open(sealed, context(id)), StandardCharsets.US_ASCII);
    }

    private static byte[] context(StaffId id) {
        return ("staff-totp:" + id.value()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Typed codes may carry spaces or dashes ("123 456"). */
    static String normalise(String code) {
        return code == null || code.length() > 64 ? "" : code.replaceAll("[\\s\\-]", "");
    }
}
