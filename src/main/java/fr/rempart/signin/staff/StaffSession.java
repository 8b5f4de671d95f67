package fr.rempart.signin.staff;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A staff sign-in, kept server-side: the cookie holds a random token, the database its SHA-256.
 * Each stage reaches one page only, and the token changes at each stage; {@code sid} does not.
 * {@code amr} lists the factors used (RFC 8176: {@code pwd}, {@code otp}); {@code authTime} is when
 * the last factor was accepted.
 */
public record StaffSession(String idHash, String sid, StaffId staff, Stage stage, Set<String> amr, Instant authTime, Instant createdAt,
                           Instant lastSeenAt, Instant expiresAt) {

    public enum Stage {
        /** The password was right; the account's code is asked next. */
        PASSWORD_DONE,
        /** The password was right and the account has no second factor yet: it must enrol one now. */
        TOTP_ENROL,
        /** Both factors given; an initial password from an administrator must be replaced first. */
        PASSWORD_CHANGE,
        /** Signed in: both factors, and a password of the staff member's own. */
        FULL
    }

    public StaffSession {
        amr = Collections.unmodifiableSet(new LinkedHashSet<>(amr)); // in the order the factors were given: "pwd otp"
    }

    public boolean full() {
        return stage == Stage.FULL;
    }
}
