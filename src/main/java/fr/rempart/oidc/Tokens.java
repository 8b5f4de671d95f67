package fr.rempart.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes and checks the provider's JWTs: access tokens (RFC 9068, {@code typ: at+jwt}), ID tokens
 * (OpenID Connect Core §2) and Security Event Tokens (RFC 8417, {@code typ: secevent+jwt}).
 * Checking takes the algorithm from our allow-list and the key from our own JWKS by {@code kid}:
 * {@code alg: none}, HMAC with the public key, an unknown key, a wrong issuer, an expired or
 * not-yet-valid token are all refused. Which audience an access token must name is the receiver's
 * business: the API checks its own ({@link ActiveTokens#verify}); UserInfo and introspection take any of ours.
 */
@ApplicationScoped
public class Tokens {

    private Clock clock;

    public static final JOSEObjectType ACCESS_TOKEN = new JOSEObjectType("at+jwt");
    public static final JOSEObjectType SECURITY_EVENT = new JOSEObjectType("secevent+jwt");
    /** Access tokens whose signature and claims were already checked, until they expire: introspection and the API see the same token often. */
    private static final int VERIFIED_CACHE = 10_000;

    /** The claim that says whom an access token speaks for: {@code member}, {@code staff} or {@code client} (itself). */
    public static final String SUBJECT_KIND = "subject_kind";

    /**
     * What goes into an access token besides the registered claims. {@code audience}: the client, and the API when
     * it was asked for (RFC 9068 §3, RFC 8707).
     */
    public record Access(String subject, String clientId, TrustedIssuers.Kind kind, List<String> audience, String scope,
                         Set<String> groups, String grantId, String sid, Set<String> amr, Instant authTime, Map<String, Object> security) {
    }

    private Settings settings;
    private SigningKeys keys;
    private DefaultJWTProcessor<SecurityContext> accessTokens;
    private DefaultJWTProcessor<SecurityContext> idTokens;
    private final java.util.Map<String, JWTClaimsSet> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long verifiedGeneration = -1;

    protected Tokens() {
    }

    @Inject
    public Tokens(Settings settings, SigningKeys keys, Clock clock) {
        this.clock = clock;
        this.settings = settings;
        this.keys = keys;
        JWKSource<SecurityContext> ours = (selector, context) -> selector.select(keys.verificationKeys());
        Set<JWSAlgorithm> algorithms = settings.oidcSigningAlgorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
        var verifiers = Es256.verifiers();
        accessTokens = new DefaultJWTProcessor<>();
        accessTokens.setJWSVerifierFactory(verifiers);
        accessTokens.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(ACCESS_TOKEN));
        accessTokens.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, ours));
        accessTokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null,
                new JWTClaimsSet.Builder().issuer(settings.oidcIssuer()).build(), Set.of("sub", "aud", "exp", "iat", "jti", "client_id"), null));
        idTokens = new DefaultJWTProcessor<>();
        idTokens.setJWSVerifierFactory(verifiers);
        idTokens.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        idTokens.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, ours));
        // An id_token_hint may have expired (OpenID RP-Initiated Logout §2): only the signature and the issuer count.
        idTokens.setJWTClaimsSetVerifier((claims, context) -> {
            if (!settings.oidcIssuer().equals(claims.getIssuer()) || claims.getSubject() == null) {
                throw new com.nimbusds.jwt.proc.BadJWTException("Not one of our ID tokens");
            }
        });
    }

    public String issuer() {
        return settings.oidcIssuer();
    }

    /** An access token and its lifetime in seconds. */
    public String accessToken(Access access, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(settings.oidcIssuer()).subject(access.subject())
                .audience(access.audience()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.oidcAccessTokenLifetime()))).jwtID(Secrets.token(16))
                .claim("client_id", access.clientId()).claim(SUBJECT_KIND, access.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (access.scope() != null && !access.scope().isEmpty()) {
            claims.claim("scope", access.scope());
        }
        claims.claim("groups", List.copyOf(access.groups()));
        if (access.grantId() != null) {
            claims.claim("gid", access.grantId());
        }
        if (access.sid() != null) {
            claims.claim("sid", access.sid());
        }
        if (access.authTime() != null) {
            claims.claim("auth_time", access.authTime().getEpochSecond()).claim("acr", Acr.of(access.amr())).claim("amr", Acr.amr(access.amr()));
        }
        if (access.security() != null) {
            claims.claim(HardeningState.CLAIM, access.security());
        }
        return sign(claims.build(), ACCESS_TOKEN, null);
    }

    public long accessTokenSeconds() {
        return settings.oidcAccessTokenLifetime().toSeconds();
    }

    /** An ID token for the client: {@code at_hash} binds it to the access token issued with it. */
    public String idToken(OidcClient client, SignedIn who, String nonce, String accessToken, Instant now) {
        SigningKeys.Active key = keys.signing(client.idTokenAlg());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(settings.oidcIssuer()).subject(who.subject())
                .audience(client.clientId()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(settings.oidcIdTokenLifetime())))
                .claim("azp", client.clientId()).claim("auth_time", who.authTime().getEpochSecond()).claim("acr", Acr.of(who.amr()))
                .claim("amr", Acr.amr(who.amr()));
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        if (who.sid() != null) {
            claims.claim("sid", who.sid());
        }
        if (accessToken != null) {
            claims.claim("at_hash", halfHash(accessToken, key.algorithm()));
        }
        Object security = who.claims().get(HardeningState.CLAIM);
        if (security != null) {
            claims.claim(HardeningState.CLAIM, security);
        }
        if (client.population() == OidcClient.Population.STAFF) {
            claims.claim("groups", List.copyOf(who.groups()));
            Optional.ofNullable(who.claims().get("preferred_username")).ifPresent(v -> claims.claim("preferred_username", v));
            Optional.ofNullable(who.claims().get("name")).ifPresent(v -> claims.claim("name", v));
        }
        return sign(claims.build(), JOSEObjectType.JWT, client.idTokenAlg());
    }

    /** The claims of a Security Event Token (RFC 8417 §2.2) for one receiver, kept until delivery. */
    public JWTClaimsSet securityEvent(String audience, String jti, Map<String, Object> subject, String eventType, Map<String, Object> event,
                                      Instant now) {
        return new JWTClaimsSet.Builder().issuer(settings.oidcIssuer()).audience(audience).issueTime(Date.from(now))
                .jwtID(jti).claim("sub_id", subject).claim("events", Map.of(eventType, event)).build();
    }

    /** Signs a Security Event Token when it is delivered, with the key current then (it may wait days for a receiver). */
    public String signSecurityEvent(String claims) {
        try {
            return sign(JWTClaimsSet.parse(claims), SECURITY_EVENT, null);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("Unreadable stored security event", e);
        }
    }

    /** The API's audience ({@code rempart.api.audience}). */
    public String apiAudience() {
        return settings.apiAudience();
    }

    /** The claims of one of our access tokens whose signature, type, issuer and times hold, whatever its audience. */
    public Optional<JWTClaimsSet> verifyAccessToken(String token) {
        long generation = keys.generation();
        if (generation != verifiedGeneration) {
            verified.clear();
            verifiedGeneration = generation;
        }
        JWTClaimsSet known = verified.get(token);
        if (known != null) {
            if (known.getExpirationTime().toInstant().isAfter(clock.instant())) {
                return Optional.of(known);
            }
            verified.remove(token);
        }
        try {
            JWTClaimsSet claims = accessTokens.process(SignedJWT.parse(token), null);
            if (verified.size() >= VERIFIED_CACHE) {
                verified.clear(); // crude but bounded: at worst the next checks verify signatures again
            }
            verified.put(token, claims);
            return Optional.of(claims);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The claims of one of our ID tokens, expired or not (for {@code id_token_hint}). */
    public Optional<JWTClaimsSet> verifyIdTokenHint(String token) {
        try {
            return Optional.of(idTokens.process(SignedJWT.parse(token), null));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private String sign(JWTClaimsSet claims, JOSEObjectType type, String alg) {
        SigningKeys.Active key = keys.signing(alg);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(type).keyID(key.kid()).build(), claims);
            jwt.sign(key.signer());
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign", e);
        }
    }

    /** OpenID Connect Core §3.1.3.6: the left half of the hash that goes with the signing algorithm (SHA-256 for ES256 and RS256). */
    private static String halfHash(String value, JWSAlgorithm algorithm) {
        byte[] digest = Secrets.sha256(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
    }
}
