package fr.rempart.platform.api;

import java.util.Optional;

/**
 * Rempart's own access tokens, trusted by {@code /api/v1} without configuration: the OpenID
 * provider implements this, so a token it revoked is refused here at once.
 */
public interface LocalTokens {

    String issuer();

    Optional<TrustedIssuers.Caller> verify(String token);
}
