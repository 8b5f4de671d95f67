package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.password.PasswordHasher;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The staff password step, built like the members' ({@code signin.SignInService}): an unknown name,
 * a wrong password, a disabled or a locked account all get the same answer after the same work —
 * one lookup, one attempt taken on a counter before the hash, one Argon2id verification, one audit
 * entry. Staff scopes have their own prefixes ({@code s:} for an account, {@code su:} for an unknown
 * name), so they never share a counter with a member.
 */
@ApplicationScoped
public class StaffSignIn {

    public enum Outcome { SUCCEEDED, FAILED, ADDRESS_LIMITED }

    public record Result(Outcome outcome, StaffAccount account) {
        static Result failed() {
            return new Result(Outcome.FAILED, null);
        }
    }

    /** The actor of an attempt on a name no account has: the typed name is not recorded (it may be a password typed in the wrong field). */
    static final Actor UNKNOWN = Actor.staff("?");

    private StaffRepository staff;
    private PasswordHasher hasher;
    private FailureCounter failures;
    private AddressLimiter addresses;
    private AuditTrail audit;
    private KeyRing keys;

    protected StaffSignIn() {
    }

    @Inject
    public StaffSignIn(StaffRepository staff, PasswordHasher hasher, FailureCounter failures, AddressLimiter addresses, AuditTrail audit,
                       KeyRing keys) {
        this.staff = staff;
        this.hasher = hasher;
        this.failures = failures;
        this.addresses = addresses;
        this.audit = audit;
        this.keys = keys;
    }

    /** The attempt scope of an account's password. */
    static String scope(StaffId id) {
        return "s:" + id.value();
    }

    public Result signIn(String username, String password, ClientInfo client) {
        if (!addresses.tryAcquire(client.address())) {
            return new Result(Outcome.ADDRESS_LIMITED, null);
        }
        Optional<StaffRepository.SignInRecord> found = staff.forSignIn(username);
        if (found.isEmpty()) {
            // The same work as for an account: a counter of its own, keyed by the name's MAC, a hash, an audit entry.
            failures.tryAttempt("su:" + keys.macHex(KeyRing.Purpose.COOKIE, "staff:" + Username.canonical(username)).substring(0, 40));
            hasher.verifyNothing(password);
            audit.record(UNKNOWN, "staff.signin.failed", null, null, "unknown account; ip=" + client.address());
            return Result.failed();
        }
        StaffAccount account = found.get().account();
        String stored = found.get().passwordHash();
        String scope = scope(account.id());
        boolean allowed = failures.tryAttempt(scope);
        PasswordHasher.Verdict verdict = hasher.verify(password, stored);
        Actor actor = Actor.staff(account.username().value());
        if (!allowed) {
            audit.record(actor, "staff.signin.refused-locked", account.auditSubject(), null, "ip=" + client.address());
            return Result.failed();
        }
        if (!verdict.matches()) {
            audit.record(actor, "staff.signin.failed", account.auditSubject(), null, "ip=" + client.address() + " failures=" + failures.failures(scope));
            return Result.failed();
        }
        if (account.disabled()) {
            // The right password on a disabled account: refused like a wrong one, and it does not clear the counter.
            audit.record(actor, "staff.signin.refused-disabled", account.auditSubject(), null, "ip=" + client.address());
            return Result.failed();
        }
        failures.reset(scope);
        if (verdict == PasswordHasher.Verdict.MATCH_NEEDS_REHASH && staff.upgradeHash(account.id(), stored, hasher.hash(password))) {
            audit.record(Actor.SYSTEM, "staff.password.rehashed", account.auditSubject(), "hash parameters upgraded at sign-in", null);
        }
        audit.record(actor, "staff.signin.password-accepted", account.auditSubject(), null, "ip=" + client.address());
        return new Result(Outcome.SUCCEEDED, account);
    }
}
