package fr.rempart.signin;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.password.PasswordCredentials;
import fr.rempart.password.PasswordHasher;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Locale;
import java.util.Optional;

/**
 * The password step. An unknown identifier, a wrong password and a locked account give the same
 * answer after the same costly work (a lookup, an attempt counter update, one Argon2id verification),
 * so neither the answer nor its timing tells an attacker which accounts exist or are locked; the
 * remaining differences (a timeline row, an audit entry) are small beside the hash.
 */
@ApplicationScoped
public class SignInService {

    public enum Outcome { SUCCEEDED, FAILED, ADDRESS_LIMITED }

    public record Result(Outcome outcome, Member member) {
        static Result failed() {
            return new Result(Outcome.FAILED, null);
        }
    }

    private MemberDirectory members;
    private PasswordCredentials credentials;
    private PasswordHasher hasher;
    private FailureCounter failures;
    private AddressLimiter addresses;
    private SecurityTimeline timeline;
    private AuditTrail audit;
    private KeyRing keys;

    protected SignInService() {
    }

    @Inject
    public SignInService(MemberDirectory members, PasswordCredentials credentials, PasswordHasher hasher, FailureCounter failures,
                         AddressLimiter addresses, SecurityTimeline timeline, AuditTrail audit, KeyRing keys) {
        this.members = members;
        this.credentials = credentials;
        this.hasher = hasher;
        this.failures = failures;
        this.addresses = addresses;
        this.timeline = timeline;
        this.audit = audit;
        this.keys = keys;
    }

    public Result signIn(String identifier, String password, ClientInfo client, Optional<DeviceCookies.Device> device) {
        if (!addresses.tryAcquire(client.address())) {
            return new Result(Outcome.ADDRESS_LIMITED, null);
        }
        Optional<Member> found = members.findByIdentifier(identifier);
        if (found.isEmpty()) {
            // Same work as for a known account: an attempt counter of its own (keyed by the identifier) and a hash.
            failures.tryAttempt("u:" + keys.macHex(KeyRing.Purpose.COOKIE, identifier.strip().toLowerCase(Locale.ROOT)).substring(0, 40));
            hasher.verifyNothing(password);
            return Result.failed();
        }
        Member member = found.get();
        String scope = device.filter(d -> d.member().equals(member.id())).map(DeviceCookies.Device::scope)
                .orElse(PasswordCredentials.attemptScope(member.id()));
        boolean allowed = failures.tryAttempt(scope);
        Optional<String> stored = credentials.hashOf(member.id());
        PasswordHasher.Verdict verdict = stored.map(h -> hasher.verify(password, h)).orElseGet(() -> {
            hasher.verifyNothing(password);
            return PasswordHasher.Verdict.MISMATCH;
        });
        Actor actor = Actor.member(member.number().value());
        if (!allowed) {
            timeline.record(member.id(), "signin.refused-locked", client.address(), null);
            audit.record(actor, "signin.refused-locked", member.number().value(), null, "ip=" + client.address());
            return Result.failed();
        }
        if (!verdict.matches()) {
            timeline.record(member.id(), "signin.failed", client.address(), null);
            audit.record(actor, "signin.failed", member.number().value(), null, "ip=" + client.address() + " failures=" + failures.failures(scope));
            return Result.failed();
        }
        failures.reset(scope);
        if (verdict == PasswordHasher.Verdict.MATCH_NEEDS_REHASH) {
            // Old Argon2 parameters or an imported legacy hash: upgrade it now that we hold the password.
            if (credentials.upgrade(member.id(), stored.get(), hasher.hash(password))) {
                audit.record(Actor.SYSTEM, "password.rehashed", member.number().value(), "hash parameters upgraded at sign-in", null);
            }
        }
        timeline.record(member.id(), "signin.succeeded", client.address(), client.userAgent());
        audit.record(actor, "signin.succeeded", member.number().value(), null, "ip=" + client.address());
        return new Result(Outcome.SUCCEEDED, member);
    }
}
