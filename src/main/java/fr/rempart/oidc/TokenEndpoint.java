package fr.rempart.oidc;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.api.ApiScopes;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.JsonBinder;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The token endpoint (RFC 6749 §3.2): {@code authorization_code} with PKCE (§4.1.3, RFC 7636 §4.6),
 * {@code refresh_token} with rotation and reuse detection (OAuth 2.0 Security BCP §4.14.2: a used
 * refresh token presented again revokes its whole family), {@code client_credentials} (§4.4).
 * Access tokens name the client as audience, and the API too only when it was asked for: an API scope,
 * or the resource indicator (RFC 8707). A grant outlives its session only when {@code offline_access}
 * was asked (OpenID Connect Core §11); any other refresh needs the session still open.
 */
@Path("oauth2/token")
public class TokenEndpoint {

    @Inject
    Clock clock;
    @Inject
    ClientAuthenticator clientAuthentication;
    @Inject
    Grants grants;
    @Inject
    Tokens tokens;
    @Inject
    Jdbc jdbc;
    @Inject
    Settings settings;
    @Inject
    AuditTrail audit;
    @Inject
    Instance<Authenticator> authenticators;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Csrf.Exempt
    public Response token(@jakarta.ws.rs.HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, MultivaluedMap<String, String> form) {
        OAuthParameters parameters = OAuthParameters.of(form);
        OidcClient client = clientAuthentication.authenticate(authorization, parameters);
        String grantType = parameters.require("grant_type");
        if (!Set.of("authorization_code", "refresh_token", "client_credentials").contains(grantType)) {
            throw new OAuthError("unsupported_grant_type", "Unsupported grant_type.");
        }
        if (!client.allows(grantType)) {
            throw new OAuthError("unauthorized_client", "This client may not use " + grantType + ".");
        }
        JsonObjectBuilder answer = switch (grantType) {
            case "authorization_code" -> authorizationCode(client, parameters);
            case "refresh_token" -> refreshToken(client, parameters);
            default -> clientCredentials(client, parameters);
        };
        return OAuthErrorMapper.json(200, answer.build()).build();
    }

    /** RFC 6749 §4.1.3 and RFC 7636 §4.6. */
    private JsonObjectBuilder authorizationCode(OidcClient client, OAuthParameters parameters) {
        boolean resource = resource(parameters);
        String code = parameters.require("code");
        String redirectUri = parameters.require("redirect_uri");
        String verifier = parameters.get("code_verifier").orElse(null);
        String hash = Secrets.sha256Hex(code);
        Instant now = clock.instant();
        record Issued(Grants.Grant grant, String refresh, Grants.Code code) {
        }
        Issued issued = jdbc.transaction(c -> {
            Grants.Code stored = grants.code(c, hash).orElseThrow(() -> OAuthError.invalidGrant("Unknown or expired code."));
            if (!stored.clientId().equals(client.clientId())) {
                throw OAuthError.invalidGrant("Unknown or expired code.");
            }
            if (stored.usedAt() != null || !grants.useCode(c, hash, now)) {
                return new Issued(null, null, stored); // replay: revoked below, outside this transaction
            }
            if (!now.isBefore(stored.expiresAt())) {
                throw OAuthError.invalidGrant("Unknown or expired code.");
            }
            if (!stored.redirectUri().equals(redirectUri)) {
                throw OAuthError.invalidGrant("redirect_uri differs from the authorization request.");
            }
            checkPkce(stored.codeChallenge(), verifier);
            if (!authenticator(stored.population()).sessionOpen(stored.sid())) {
                // Signed out, password changed or incident since the code was issued: nothing is issued.
                throw OAuthError.invalidGrant("The session that authorized this code has ended.");
            }
            boolean offline = stored.population() == OidcClient.Population.MEMBER && client.allows("refresh_token")
                    && words(stored.scope()).contains(ClientRegistry.OFFLINE);
            Grants.Grant grant = grants.createGrant(c, stored, stored.scope(), offline, now, grantExpiry(stored.population(), offline, now));
            String refresh = client.allows("refresh_token") ? grants.newRefreshToken(c, grant, now, refreshExpiry(grant, now)) : null;
            return new Issued(grant, refresh, stored);
        });
        if (issued.grant() == null) {
            int revoked = grants.revokeByCode(hash, "code-reused");
            audit.record(Actor.SYSTEM, "oidc.code-reused", issued.code().subject(), "authorization code presented twice",
                    "client=" + client.clientId() + " revoked-grants=" + revoked);
            throw OAuthError.invalidGrant("Code already used; what it issued is revoked.");
        }
        SignedIn who = subject(issued.grant()).withSession(issued.grant());
        return answer(client, issued.grant(), who, issued.refresh(), issued.code().nonce(), resource, now);
    }

    /** RFC 6749 §6, with rotation: each refresh token is good once. */
    private JsonObjectBuilder refreshToken(OidcClient client, OAuthParameters parameters) {
        boolean resource = resource(parameters);
        String token = parameters.require("refresh_token");
        Instant now = clock.instant();
        record Rotated(Grants.Grant grant, String refresh, boolean reused, Optional<SignedIn> account, boolean sessionEnded) {
        }
        Rotated rotated = jdbc.transaction(c -> {
            Grants.Refresh stored = grants.refresh(c, token).orElseThrow(() -> OAuthError.invalidGrant("Unknown refresh token."));
            Grants.Grant grant = stored.grant();
            if (!grant.clientId().equals(client.clientId())) {
                throw OAuthError.invalidGrant("Unknown refresh token.");
            }
            if (stored.usedAt() != null || !grants.useRefresh(c, stored.hash(), now)) {
                return new Rotated(grant, null, true, Optional.empty(), false);
            }
            if (!grant.active(now) || !now.isBefore(stored.expiresAt())) {
                throw OAuthError.invalidGrant("Refresh token expired or revoked.");
            }
            if (!grant.offline() && !authenticator(grant.population()).sessionOpen(grant.sid())) {
                // Not offline: the grant lives as long as the session (signed out, timed out), whatever its refresh token says.
                return new Rotated(grant, null, false, Optional.empty(), true);
            }
            String next = grants.newRefreshToken(c, grant, now, refreshExpiry(grant, now));
            // The account as it is now, read in this same transaction (the reads join it): one connection and one
            // commit for the whole grant instead of four. A vanished account is refused after the commit, as before.
            return new Rotated(grant, next, false, account(grant), false);
        });
        if (rotated.sessionEnded()) {
            grants.revokeGrant(rotated.grant().id(), "session-ended");
            throw OAuthError.invalidGrant("The session this grant belongs to has ended.");
        }
        if (rotated.reused()) {
            if (rotated.grant().revokedAt() == null) {
                grants.revokeGrant(rotated.grant().id(), "refresh-token-reused");
                audit.record(Actor.SYSTEM, "oidc.refresh-reused", rotated.grant().subject(), "refresh token presented twice",
                        "client=" + client.clientId() + " grant=" + rotated.grant().id());
            }
            throw OAuthError.invalidGrant("Refresh token already used; its grant is revoked.");
        }
        Grants.Grant grant = rotated.grant();
        String scope = grant.scope();
        if (parameters.get("scope").isPresent()) {
            Set<String> asked = new LinkedHashSet<>(Arrays.asList(parameters.get("scope").get().trim().split(" +")));
            if (!Set.of(grant.scope().split(" ")).containsAll(asked)) {
                throw new OAuthError("invalid_scope", "A refresh may narrow the scope, never widen it.");
            }
            scope = String.join(" ", asked);
        }
        SignedIn who = new SignedInOfGrant(rotated.account().orElseThrow(() -> OAuthError.invalidGrant("The account no longer exists.")))
                .withSession(grant);
        return answer(client, grant.withScope(scope), who, rotated.refresh(), null, resource, now);
    }

    /**
     * RFC 6749 §4.4: the client acts for itself; its registered groups go into the token, with the API scopes they
     * imply (so a plain request of the bootstrap {@code rempart-admin} opens the admin API); {@code scope} may narrow them.
     */
    private JsonObjectBuilder clientCredentials(OidcClient client, OAuthParameters parameters) {
        if (client.publicClient()) {
            throw new OAuthError("unauthorized_client", "A public client cannot use client_credentials.");
        }
        Set<String> scopes = ApiScopes.impliedBy(client.groups());
        if (parameters.get("scope").isPresent()) {
            Set<String> asked = words(parameters.get("scope").get());
            if (!scopes.containsAll(asked)) {
                throw new OAuthError("invalid_scope", "client_credentials tokens carry the API scopes of the client's groups, no others.");
            }
            scopes = asked;
        }
        boolean api = !scopes.isEmpty() || resource(parameters);
        Instant now = clock.instant();
        String scope = String.join(" ", scopes);
        String access = tokens.accessToken(new Tokens.Access(client.clientId(), client.clientId(), TrustedIssuers.Kind.CLIENT,
                audience(client, api), scope, client.groups(), null, null, Set.of(), null, null), now);
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("access_token", access).add("token_type", "Bearer")
                .add("expires_in", tokens.accessTokenSeconds());
        if (!scope.isEmpty()) {
            answer.add("scope", scope);
        }
        return answer;
    }

    private JsonObjectBuilder answer(OidcClient client, Grants.Grant grant, SignedIn who, String refresh, String nonce, boolean resource,
                                     Instant now) {
        boolean member = grant.population() == OidcClient.Population.MEMBER;
        @SuppressWarnings("unchecked")
        Map<String, Object> security = member ? (Map<String, Object>) who.claims().get(HardeningState.CLAIM) : null;
        Set<String> scopes = words(grant.scope());
        boolean api = resource || grant.apiResource() || scopes.stream().anyMatch(ApiScopes.ALL::contains);
        String access = tokens.accessToken(new Tokens.Access(grant.subject(), client.clientId(),
                member ? TrustedIssuers.Kind.MEMBER : TrustedIssuers.Kind.STAFF, audience(client, api), grant.scope(), who.groups(), grant.id(),
                grant.sid(), grant.amr(), grant.authTime(), security), now);
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("access_token", access).add("token_type", "Bearer")
                .add("expires_in", tokens.accessTokenSeconds()).add("scope", grant.scope());
        if (refresh != null) {
            answer.add("refresh_token", refresh);
        }
        if (scopes.contains("openid")) {
            answer.add("id_token", tokens.idToken(client, who, nonce, access, now));
        }
        return answer;
    }

    /** RFC 9068 §3: the client the token was issued to, and the API when it was asked for. */
    private List<String> audience(OidcClient client, boolean api) {
        return api ? List.of(client.clientId(), settings.apiAudience()) : List.of(client.clientId());
    }

    /** RFC 8707 §2 at the token endpoint: whether {@code resource} names the API ({@code invalid_target} for anything else). */
    private boolean resource(OAuthParameters parameters) {
        Optional<Boolean> api = AuthorizationRequest.apiResource(parameters.get("resource"), settings);
        if (api.filter(a -> !a).isPresent()) {
            throw new OAuthError("invalid_target", "The only resource is this provider's API.");
        }
        return api.orElse(false);
    }

    /**
     * How long a grant may last at most: offline, the grant lifetime (30 days); bound to a session, no longer than a
     * session of its population may last (the session check at each refresh ends it sooner).
     */
    private Instant grantExpiry(OidcClient.Population population, boolean offline, Instant now) {
        Instant longest = now.plus(settings.oidcGrantLifetime());
        if (offline) {
            return longest;
        }
        Instant session = now.plus(population == OidcClient.Population.STAFF ? settings.staffSessionAbsoluteTimeout() : settings.sessionAbsoluteTimeout());
        return session.isBefore(longest) ? session : longest;
    }

    private static Set<String> words(String value) {
        Set<String> words = new LinkedHashSet<>(Arrays.asList(value == null ? new String[0] : value.trim().split(" +")));
        words.remove("");
        return words;
    }

    private Authenticator authenticator(OidcClient.Population population) {
        return authenticators.stream().filter(a -> a.population() == population).findFirst().orElseThrow();
    }

    private SignedInOfGrant subject(Grants.Grant grant) {
        return new SignedInOfGrant(account(grant).orElseThrow(() -> OAuthError.invalidGrant("The account no longer exists.")));
    }

    /** The grant's account as it is now (claims, groups, hardening state), if it still exists. */
    private Optional<SignedIn> account(Grants.Grant grant) {
        return authenticator(grant.population()).bySubject(grant.subject());
    }

    /** The account as it is now, with the authentication facts of the grant. */
    private record SignedInOfGrant(SignedIn current) {
        SignedIn withSession(Grants.Grant grant) {
            return new SignedIn(current.subject(), grant.sid(), grant.amr(), grant.authTime(), current.groups(), current.claims());
        }
    }

    private java.time.Instant refreshExpiry(Grants.Grant grant, Instant now) {
        Instant idle = now.plus(settings.oidcRefreshTokenIdle());
        return idle.isBefore(grant.expiresAt()) ? idle : grant.expiresAt();
    }

    /** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge; a verifier without a challenge is refused too (downgrade). */
    static void checkPkce(String challenge, String verifier) {
        if (challenge == null) {
            if (verifier != null) {
                throw OAuthError.invalidGrant("code_verifier without a code_challenge.");
            }
            return;
        }
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw OAuthError.invalidGrant("PKCE verification failed.");
        }
        String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(verifier));
        if (!MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII))) {
            throw OAuthError.invalidGrant("PKCE verification failed.");
        }
    }
}
