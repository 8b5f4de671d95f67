package fr.rempart.signin.staff;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import java.time.Clock;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The external identity provider staff may sign in with ({@code rempart.staff.idp.*}): Rempart is
 * then its OpenID Connect client, with the authorization code flow and PKCE. The endpoints come
 * from the provider's discovery document; the ID token is checked (signature from the provider's
 * JWKS, issuer, audience, expiry, nonce) before anything of it is believed.
 */
@ApplicationScoped
public class ExternalIdp {

    @Inject
    Clock clock;

    /** The person the provider signed in, as its ID token says. */
    public record Person(String issuer, String subject, String username, String name, String email, Set<String> groups, Set<String> amr) {
    }

    /** What the browser carries between the redirect and the callback: sealed in a cookie by the caller. */
    public record Flow(String state, String nonce, String verifier) {
        static Flow start() {
            return new Flow(Secrets.token(24), Secrets.token(24), Secrets.token(48));
        }
    }

    private record Endpoints(URI authorization, URI token, DefaultJWTProcessor<SecurityContext> ids) {
    }

    /** How long ago the provider may have authenticated the person. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private Settings settings;
    private HttpClient http;
    private volatile Endpoints endpoints;

    protected ExternalIdp() {
    }

    @Inject
    public ExternalIdp(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public boolean configured() {
        return settings.staffIdpIssuer().isPresent();
    }

    public String name() {
        return settings.staffIdpName();
    }

    /** Where to send the browser: the provider's authorization endpoint with this flow's state, nonce and PKCE challenge. */
    public URI authorizationUrl(Flow flow) throws IOException, InterruptedException {
        // max_age: the provider must have seen the person (and their second factor) just now, not hours ago in another tab.
        Map<String, String> query = Map.of("response_type", "code", "client_id", settings.staffIdpClientId(), "redirect_uri", redirectUri(),
                "scope", "openid profile email", "state", flow.state(), "nonce", flow.nonce(), "code_challenge", challenge(flow.verifier()),
                "code_challenge_method", "S256", "max_age", String.valueOf(MAX_AGE.toSeconds()));
        return URI.create(endpoints().authorization() + (endpoints().authorization().getQuery() == null ? "?" : "&") + form(query));
    }

    /** Exchanges the code (with the PKCE verifier and our client secret) and checks the ID token it brings. */
    public Person finish(String code, Flow flow) throws IOException, InterruptedException {
        String body = form(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri(), "code_verifier", flow.verifier()));
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(settings.staffIdpClientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(settings.staffIdpClientSecret(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoints().token()).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("token endpoint answered " + answer.statusCode());
        }
        try {
            JsonObject tokens = jakarta.json.Json.createReader(new StringReader(answer.body())).readObject();
            JWTClaimsSet claims = endpoints().ids().process(tokens.getString("id_token"), null);
            if (!flow.nonce().equals(claims.getClaim("nonce"))) {
                throw new IOException("ID token refused: nonce");
            }
            java.util.Date authTime = claims.getDateClaim("auth_time");
            if (authTime.toInstant().isBefore(clock.instant().minus(MAX_AGE).minusSeconds(60))) {
                throw new IOException("ID token refused: authenticated too long ago");
            }
            Set<String> groups = Optional.ofNullable(claims.getStringListClaim(settings.staffIdpGroupsClaim())).map(HashSet::new).orElseGet(HashSet::new);
            Set<String> amr = Optional.ofNullable(claims.getStringListClaim("amr")).map(HashSet::new).orElseGet(HashSet::new);
            String username = Optional.ofNullable(claims.getStringClaim("preferred_username")).orElse(claims.getSubject());
            // An e-mail-shaped name (a directory's user principal name): its local part.
            username = username.contains("@") ? username.substring(0, username.indexOf('@')) : username;
            return new Person(claims.getIssuer(), claims.getSubject(), username, Optional.ofNullable(claims.getStringClaim("name")).orElse(username),
                    claims.getStringClaim("email"), groups, amr);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            // Not JSON, a claim missing or of the wrong type, a bad signature: the provider's answer is refused, whatever the cause.
            throw new IOException("ID token refused: " + e.getClass().getSimpleName(), e);
        }
    }

    private String redirectUri() {
        return settings.publicUrl() + "/staff/signin/external/callback";
    }

    /** The discovery document, read once: the endpoints and the ID token checker. */
    private Endpoints endpoints() throws IOException, InterruptedException {
        Endpoints known = endpoints;
        if (known != null) {
            return known;
        }
        URI issuer = settings.staffIdpIssuer().orElseThrow();
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + ".well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("discovery answered " + answer.statusCode());
        }
        try {
            JsonObject discovery = jakarta.json.Json.createReader(new StringReader(answer.body())).readObject();
            if (!issuer.toString().equals(discovery.getString("issuer", ""))) {
                throw new IOException("discovery names another issuer");
            }
            URI authorization = endpoint(discovery, "authorization_endpoint");
            URI token = endpoint(discovery, "token_endpoint");
            URI jwks = endpoint(discovery, "jwks_uri");
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks.toURL()).retrying(true).build();
            DefaultJWTProcessor<SecurityContext> ids = new DefaultJWTProcessor<>();
            ids.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256), keys));
            ids.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.staffIdpClientId(),
                    new JWTClaimsSet.Builder().issuer(issuer.toString()).build(), Set.of("sub", "iat", "exp", "nonce", "auth_time")));
            known = new Endpoints(authorization, token, ids);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("discovery document unusable: " + e.getClass().getSimpleName(), e);
        }
        endpoints = known;
        return known;
    }

    /** An endpoint of the discovery document: https, or http to the loopback (as the issuer), or the document is refused. */
    private static URI endpoint(JsonObject discovery, String name) throws IOException {
        URI uri = URI.create(discovery.getString(name));
        if (!Settings.httpsOrLoopback(uri)) {
            throw new IOException(name + " is not https");
        }
        return uri;
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
