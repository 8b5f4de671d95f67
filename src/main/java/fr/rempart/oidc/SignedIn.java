package fr.rempart.oidc;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Who a browser session proves, as the provider needs it: the subject, the session id tokens carry
 * ({@code sid}), the factors used (RFC 8176 {@code amr}), when the password was entered, the
 * groups, and the claims to put in tokens and UserInfo by scope.
 */
public record SignedIn(String subject, String sid, Set<String> amr, Instant authTime, Set<String> groups, Map<String, Object> claims) {

    public boolean multiFactor() {
        return amr.contains("otp") || amr.contains("mfa");
    }
}
