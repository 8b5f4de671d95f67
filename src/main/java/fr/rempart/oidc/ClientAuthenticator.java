package fr.rempart.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3,
 * OpenID Connect Core §9): {@code client_secret_basic}, {@code client_secret_post},
 * {@code private_key_jwt} (RFC 7523, each assertion once), or {@code none} for a public client.
 * A client uses the one method it registered; anything else is {@code invalid_client}.
 */
@ApplicationScoped
public class ClientAuthenticator {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Set<JWSAlgorithm> ASSERTION_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256,
            JWSAlgorithm.PS256);
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(10);

    @Inject
    Clock clock;
    @Inject
    ClientRegistry clients;
    @Inject
    ProviderMetadata metadata;
    @Inject
    Jdbc jdbc;

    /** The authenticated client, or {@link OAuthError} {@code invalid_client} / {@code invalid_request}. */
    public OidcClient authenticate(String authorization, OAuthParameters parameters) {
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        boolean post = parameters.get("client_secret").isPresent();
        boolean assertion = parameters.get("client_assertion").isPresent() || parameters.get("client_assertion_type").isPresent();
        if ((basic ? 1 : 0) + (post ? 1 : 0) + (assertion ? 1 : 0) > 1) {
            throw OAuthError.invalidRequest("Use one client authentication method.");
        }
        if (basic) {
            return basic(authorization.substring(6).strip(), parameters);
        }
        if (assertion) {
            return privateKeyJwt(parameters);
        }
        OidcClient client = clients.find(parameters.get("client_id").orElse(null)).orElseThrow(OAuthError::invalidClient);
        if (post) {
            if (client.authMethod() != OidcClient.AuthMethod.CLIENT_SECRET_POST || !client.secretMatches(parameters.require("client_secret"))) {
                throw OAuthError.invalidClient();
            }
            return client;
        }
        if (!client.publicClient()) {
            throw OAuthError.invalidClient();
        }
        return client;
    }

    private OidcClient basic(String encoded, OAuthParameters parameters) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw basicFailure();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw basicFailure();
        }
        // RFC 6749 §2.3.1: the id and the secret are form-encoded before base64.
        String id;
        String secret;
        try {
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw basicFailure(); // a malformed %-escape
        }
        if (parameters.get("client_id").filter(p -> !p.equals(id)).isPresent()) {
            throw OAuthError.invalidRequest("client_id differs from the authenticated client.");
        }
        OidcClient client = clients.find(id).orElse(null);
        if (client == null || client.authMethod() != OidcClient.AuthMethod.CLIENT_SECRET_BASIC || !client.secretMatches(secret)) {
            throw basicFailure();
        }
        return client;
    }

    private static OAuthError basicFailure() {
        return new BasicFailure();
    }

    /** invalid_client after a Basic attempt: 401 with {@code WWW-Authenticate: Basic} (RFC 6749 §5.2). */
    static final class BasicFailure extends OAuthError {
        BasicFailure() {
            super("invalid_client", "Client authentication failed.", 401);
        }
    }

    private OidcClient privateKeyJwt(OAuthParameters parameters) {
        if (!JWT_BEARER.equals(parameters.get("client_assertion_type").orElse(null))) {
            throw OAuthError.invalidRequest("client_assertion_type must be " + JWT_BEARER + ".");
        }
        SignedJWT jwt;
        String clientId;
        try {
            jwt = SignedJWT.parse(parameters.require("client_assertion"));
            clientId = jwt.getJWTClaimsSet().getIssuer();
        } catch (java.text.ParseException e) {
            throw OAuthError.invalidClient();
        }
        OidcClient client = clients.find(clientId).orElseThrow(OAuthError::invalidClient);
        if (client.authMethod() != OidcClient.AuthMethod.PRIVATE_KEY_JWT || client.jwks() == null
                || parameters.get("client_id").filter(p -> !p.equals(clientId)).isPresent()) {
            throw OAuthError.invalidClient();
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASSERTION_ALGORITHMS, new ImmutableJWKSet<>(client.jwks())));
        // RFC 7523 §3: iss and sub are the client, aud is us (the token endpoint or the issuer), exp is required.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null,
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).build(), Set.of("exp", "jti", "aud"), null) {
            @Override
            public void verify(JWTClaimsSet claims, SecurityContext context) throws com.nimbusds.jwt.proc.BadJWTException {
                super.verify(claims, context);
                if (claims.getAudience().stream().noneMatch(a -> a.equals(metadata.issuer()) || a.equals(metadata.tokenEndpoint()))) {
                    throw new com.nimbusds.jwt.proc.BadJWTException("Assertion not for us");
                }
            }
        });
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (Exception e) {
            throw OAuthError.invalidClient();
        }
        Instant expires = claims.getExpirationTime().toInstant();
        if (expires.isAfter(clock.instant().plus(MAX_ASSERTION_LIFETIME))) {
            throw OAuthError.invalidClient();
        }
        try {
            jdbc.update("insert into oidc_assertion (jti_hash, expires_at) values (?, ?)",
                    Secrets.sha256Hex(clientId + "\n" + claims.getJWTID()), Date.from(expires).toInstant().plusSeconds(60));
        } catch (RuntimeException e) {
            if (Jdbc.isUniqueViolation(e)) {
                throw OAuthError.invalidClient(); // replayed assertion
            }
            throw e;
        }
        return client;
    }
}
