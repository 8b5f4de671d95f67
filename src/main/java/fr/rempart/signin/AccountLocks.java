package fr.rempart.signin;

import fr.rempart.member.MemberId;
import fr.rempart.password.PasswordCredentials;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.totp.TotpService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;

/**
 * The locks on a member's sign-in, for the helpdesk: sign-in knows which attempt scopes are the
 * member's (the password, the second factor, the hardening proof, each known device), so the
 * helpdesk asks here instead of reading or deleting them by their keys.
 */
@ApplicationScoped
public class AccountLocks {

    /** A lock now: {@code cause} is which counter locked it ({@code password}, {@code second-factor}, {@code proof}, {@code device}). */
    public record Lock(String cause, int failures, Instant until) {
    }

    @Inject
    FailureCounter failures;

    /** The member's locks now, the longest first. */
    public List<Lock> of(MemberId member) {
        return failures.locked(scopes(member), DeviceCookies.scopePrefix(member)).stream()
                .map(l -> new Lock(cause(member, l.scope()), l.failures(), l.until())).toList();
    }

    /** Forgets every failure and lock of the member's sign-in, in the caller's transaction (the helpdesk's unlock). */
    public void clear(MemberId member) {
        failures.reset(scopes(member), DeviceCookies.scopePrefix(member));
    }

    private static List<String> scopes(MemberId member) {
        return List.of(PasswordCredentials.attemptScope(member), TotpService.attemptScope(member), HardeningProofs.attemptScope(member));
    }

    private static String cause(MemberId member, String scope) {
        return scope.equals(TotpService.attemptScope(member)) ? "second-factor" : scope.equals(HardeningProofs.attemptScope(member)) ? "proof"
                : scope.startsWith(DeviceCookies.scopePrefix(member)) ? "device" : "password";
    }
}
