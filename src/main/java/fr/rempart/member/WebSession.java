package fr.rempart.member;

import java.time.Instant;
import java.util.Set;

/**
 * A browser session, kept server-side: the cookie holds a random token, the database only its
 * SHA-256. {@code SECOND_FACTOR} sessions may only pass the second factor, {@code REQUIRED_ACTIONS}
 * sessions may only complete the member's required actions;
 * {@code sid} stays the same through the stages (the OpenID session id);
 * {@code amr} records the factors used (RFC 8176 values: {@code pwd}, later {@code otp}).
 */
public record WebSession(String idHash, String sid, MemberId member, Stage stage, Set<String> amr, Instant createdAt, Instant lastSeenAt,
                         Instant expiresAt) {

    public enum Stage { SECOND_FACTOR, REQUIRED_ACTIONS, FULL }

    public boolean full() {
        return stage == Stage.FULL;
    }
}
