package fr.rempart.platform.api;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.File;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The issuers whose access tokens {@code /api/v1} accepts: Rempart's own provider ({@link LocalTokens}) and, from configuration
 * ({@code rempart.api.issuers=corp}, {@code rempart.api.issuer.corp.url}, {@code …jwks-uri}).
 * Each token is checked by nimbus-jose-jwt: the algorithm comes from our allow-list, never from the
 * token alone; signature by the issuer's JWKS; {@code iss} exact, {@code aud} ours, {@code exp} and
 * {@code nbf} with one minute of clock skew; {@code sub} present. An external issuer's tokens are never
 * a member's, and their groups alone decide: their scopes are the issuer's own vocabulary, not ours.
 */
@ApplicationScoped
public class TrustedIssuers {

    /** Who a token speaks for, from an explicit claim ({@code subject_kind}), never from the absence of groups. */
    public enum Kind { MEMBER, STAFF, CLIENT }

    /**
     * A verified caller: who, through which issuer, of which kind, with which groups. {@code scopes} are those of one
     * of Rempart's own tokens, which limit what its groups may do ({@link ApiScopes}); null for an external issuer.
     */
    public record Caller(String issuerName, String subject, Kind kind, Set<String> groups, Set<String> scopes, String clientId) {

        public static final String LOCAL = "rempart";

        public boolean local() {
            return LOCAL.equals(issuerName);
        }

        /** The groups this token may use on the API: all of an external issuer's, those its scopes cover in one of ours. */
        public Set<String> roles() {
            if (scopes == null) {
                return groups;
            }
            return groups.stream().filter(g -> ApiScopes.of(g).map(scopes::contains).orElse(false)).collect(Collectors.toUnmodifiableSet());
        }

        /** A member's own token, with the member scope: its subject is the member's id. */
        public boolean member() {
            return kind == Kind.MEMBER && local() && scopes != null && scopes.contains(ApiScopes.SELF);
        }

        /** An application acting for itself (client credentials), not a person. */
        public boolean application() {
            return kind == Kind.CLIENT;
        }
    }

    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new HashMap<>();
    @Inject
    jakarta.enterprise.inject.Instance<LocalTokens> local;
    private final Map<String, String> namesByIssuer = new HashMap<>();

    protected TrustedIssuers() {
    }

    @Inject
    public TrustedIssuers(Settings settings) {
        Set<JWSAlgorithm> algorithms = settings.apiAlgorithms().stream().map(JWSAlgorithm::parse)
                .filter(a -> !a.getName().startsWith("HS") && !"none".equalsIgnoreCase(a.getName()))
                .collect(Collectors.toSet());
        for (String name : settings.apiIssuerNames()) {
            String issuer = settings.apiIssuer(name, "url")
                    .orElseThrow(() -> new IllegalStateException("rempart.api.issuer." + name + ".url is missing"));
            String jwks = settings.apiIssuer(name, "jwks-uri")
                    .orElseThrow(() -> new IllegalStateException("rempart.api.issuer." + name + ".jwks-uri is missing"));
            String audience = settings.apiIssuer(name, "audience").orElse(settings.apiAudience());
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, source(jwks)));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(audience),
                    new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat"), null));
            processors.put(issuer, processor);
            namesByIssuer.put(issuer, name);
        }
    }

    /** How many issuers are trusted; called at start-up so a broken configuration fails the deployment. */
    public int count() {
        return processors.size();
    }

    /** The caller the token proves, or empty when it proves nothing (any failure reason is the same to the client). */
    public Optional<Caller> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            String issuer = jwt.getJWTClaimsSet().getIssuer();
            if (issuer != null && local != null && local.isResolvable() && issuer.equals(local.get().issuer())) {
                return local.get().verify(token);
            }
            DefaultJWTProcessor<SecurityContext> processor = issuer == null ? null : processors.get(issuer);
            if (processor == null) {
                return Optional.empty();
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            List<String> groups = claims.getStringListClaim("groups");
            String clientId = claims.getStringClaim("client_id");
            // Never a member; a token whose subject is its client is an application's own.
            Kind kind = clientId != null && clientId.equals(claims.getSubject()) ? Kind.CLIENT : Kind.STAFF;
            return Optional.of(new Caller(namesByIssuer.get(issuer), claims.getSubject(), kind,
                    groups == null ? Set.of() : new HashSet<>(groups), null, clientId));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static JWKSource<SecurityContext> source(String jwks) {
        try {
            URI uri = URI.create(jwks);
            if ("file".equals(uri.getScheme())) {
                return new ImmutableJWKSet<>(JWKSet.load(new File(uri)));
            }
            boolean loopback = "http".equals(uri.getScheme()) && java.net.InetAddress.getByName(uri.getHost()).isLoopbackAddress();
            if (!"https".equals(uri.getScheme()) && !loopback) {
                throw new IllegalStateException("a JWKS is fetched over https (plain http only on loopback)");
            }
            return JWKSourceBuilder.create(uri.toURL()).retrying(true).build();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot use the JWKS " + jwks + ": " + e.getMessage(), e);
        }
    }
}
