package fr.rempart.signin.staff;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A signed-in member of staff as the OpenID provider sees them. {@code subject} is the account's id
 * (a UUID string); {@code amr} holds RFC 8176 values ({@code pwd}, {@code otp}); {@code authTime} is
 * when the last factor was accepted; {@code sid} names the session and stays the same for its whole
 * life. From {@link StaffSessions#byId} (userinfo, refresh) {@code amr}, {@code authTime} and
 * {@code sid} are null: no session is involved.
 */
public record StaffPrincipal(String subject, String username, String displayName, String email, Set<String> groups, Set<String> amr,
                             Instant authTime, String sid) {

    public StaffPrincipal {
        groups = Collections.unmodifiableSet(new TreeSet<>(groups));
        amr = amr == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(amr));
    }
}
