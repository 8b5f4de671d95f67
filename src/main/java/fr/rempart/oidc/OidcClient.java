package fr.rempart.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import fr.rempart.platform.crypto.Secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * A registered OAuth client (RFC 7591 metadata names in the comments). Only the SHA-256 of its
 * secret is kept: secrets are generated with 256 bits of randomness (or, from configuration, at
 * least 32 characters), so a slow hash would add nothing but latency to every token request.
 */
public record OidcClient(String clientId, String secretHash, boolean publicClient, AuthMethod authMethod, JWKSet jwks,
                         List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes,
                         Set<String> groups, Population population, String idTokenAlg, String eventsDelivery, String eventsEndpoint,
                         String eventsAuthorization) {

    /** token_endpoint_auth_method values (RFC 7591 §2). */
    public enum AuthMethod {
        CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT, NONE;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static AuthMethod of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Whom the client signs in: members (the mutual's apps) or helpdesk staff (the console). */
    public enum Population { MEMBER, STAFF }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }

    /** Exact string comparison (OAuth 2.0 Security BCP §4.1.3): no prefix, no pattern, no normalisation. */
    public boolean registered(String redirectUri) {
        return redirectUri != null && redirectUris.contains(redirectUri);
    }

    public boolean secretMatches(String secret) {
        return secretHash != null && secret != null
                && MessageDigest.isEqual(Secrets.sha256Hex(secret).getBytes(StandardCharsets.US_ASCII), secretHash.getBytes(StandardCharsets.US_ASCII));
    }

    public boolean receivesEvents() {
        return eventsDelivery != null;
    }
}
