package fr.rempart.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rempart as an OpenID Provider, seen through a relying-party library we did not write (the Nimbus
 * OAuth 2.0 SDK): discovery, the code flow with PKCE through the real sign-in pages (password, then a
 * TOTP computed by oathtool), ID token validation, refresh rotation and reuse detection, revocation,
 * introspection, logout, security events pushed to a receiver, and the forged tokens refused.
 */
class OidcIT {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private static final URI CALLBACK = URI.create("https://rp.example/cb");
    private static final URI GOODBYE = URI.create("https://rp.example/bye");
    private static final Pattern KEY = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>");
    private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">");

    static RempartServer server;
    static OIDCProviderMetadata op;
    static String adminToken;
    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void discover() throws Exception {
        server = RempartServer.get();
        op = OIDCProviderMetadata.resolve(new Issuer(server.baseUrl()));
        adminToken = clientCredentials(new ClientSecretBasic(new ClientID("rempart-admin"), new Secret(RempartServer.ADMIN_SECRET)))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            if ("application/secevent+jwt".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII));
                exchange.sendResponseHeaders(202, -1);
            } else {
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        receiver.start();
    }

    @Test
    void discoveryNamesEveryEndpointAndTheExactIssuer() {
        assertThat(op.getIssuer().getValue()).isEqualTo(server.baseUrl());
        assertThat(op.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(op.getIDTokenJWSAlgs()).contains(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
        assertThat(op.getEndSessionEndpointURI()).isNotNull();
        assertThat(op.getIntrospectionEndpointURI()).isNotNull();
        assertThat(op.getRevocationEndpointURI()).isNotNull();
        JsonObject ssf = Api.json(Api.get("/.well-known/ssf-configuration", null));
        assertThat(ssf.getString("issuer")).isEqualTo(server.baseUrl());
        assertThat(ssf.getJsonArray("delivery_methods_supported").toString()).contains("urn:ietf:rfc:8935", "urn:ietf:rfc:8936");
    }

    @Test
    void codeFlowWithPkceThroughPasswordAndTotpThenRefreshRevocationAndLogout() throws Exception {
        String number = newMember();
        Client client = register(true);

        // acr_values asking for MFA: the member has no second factor yet, so the step-up page offers to enrol one.
        FormClient browser = new FormClient(server);
        Flow first = new Flow(client, List.of(new ACR("urn:rempart:acr:mfa")));
        assertThat(location(browser.send(HttpRequest.newBuilder(first.request.toURI()).GET()))).endsWith("/signin");
        String next = location(browser.signIn(number, PASSWORD));
        assertThat(next).contains("/oauth2/authorize/resume");
        assertThat(location(browser.send(HttpRequest.newBuilder(absolute(next)).GET()))).endsWith("/signin/step-up");
        assertThat(location(browser.submit("/signin/step-up", "/signin/step-up", Map.of("enrol", "totp")))).endsWith("/required-actions");
        HttpResponse<String> enrol = browser.get("/required-actions/configure-totp");
        Matcher key = KEY.matcher(enrol.body());
        assertThat(key.find()).isTrue();
        String secret = key.group(1).replace(" ", "");
        assertThat(browser.post("/required-actions/configure-totp", Map.of("code", TotpIT.oathtool(secret, Instant.now().getEpochSecond())),
                browser.csrf().orElseThrow()).statusCode()).isEqualTo(200);
        String resume = location(browser.post("/required-actions/configure-totp", Map.of("acknowledged", "true"), browser.csrf().orElseThrow()));
        OIDCTokens enrolled = first.finish(browser, resume);
        IDTokenClaimsSet enrolledClaims = first.validate(enrolled);
        assertThat(enrolledClaims.getACR().getValue()).isEqualTo("urn:rempart:acr:mfa");
        assertThat(enrolledClaims.getAMR()).extracting(Object::toString).contains("pwd", "otp", "mfa");

        // A later sign-in: password, then a TOTP code, through the real pages.
        FormClient second = new FormClient(server);
        Flow flow = new Flow(client, List.of());
        second.send(HttpRequest.newBuilder(flow.request.toURI()).GET());
        assertThat(location(second.signIn(number, PASSWORD))).endsWith("/signin/second-factor");
        second.get("/signin/second-factor");
        String afterCode = location(second.post("/signin/second-factor", Map.of("code", TotpIT.oathtool(secret, Instant.now().getEpochSecond() + 30)),
                second.csrf().orElseThrow()));
        OIDCTokens tokens = flow.finish(second, afterCode);
        IDTokenClaimsSet id = flow.validate(tokens);
        assertThat(id.getAMR()).extracting(Object::toString).containsExactly("pwd", "otp", "mfa");
        assertThat(id.getAuthenticationTime()).isNotNull();
        Map<String, Object> security = id.getJSONObjectClaim("account_security");
        assertThat(security).containsEntry("second_factor_enrolled", true).containsEntry("flagged", false);
        SignedJWT access = SignedJWT.parse(tokens.getAccessToken().getValue());
        assertThat(access.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(access.getJWTClaimsSet().getStringListClaim("groups")).isEmpty();
        assertThat(access.getJWTClaimsSet().getClaim("account_security")).isNotNull();

        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(op.getUserInfoEndpointURI(), tokens.getBearerAccessToken())
                .toHTTPRequest().send());
        assertThat(info.indicatesSuccess()).isTrue();
        var claims = info.toSuccessResponse().getUserInfo();
        assertThat(claims.getSubject().getValue()).isEqualTo(id.getSubject().getValue());
        assertThat(claims.getEmailAddress()).isEqualTo(number.toLowerCase() + "@example.org");
        assertThat(claims.toJSONObject().toString()).doesNotContain("nir").doesNotContain("birth");

        // Refresh: each token once; the old one again revokes the whole family.
        RefreshToken r1 = tokens.getRefreshToken();
        OIDCTokens rotated = refresh(client, r1).getOIDCTokens();
        assertThat(rotated.getRefreshToken()).isNotEqualTo(r1);
        assertThat(introspect(rotated.getAccessToken().getValue()).isActive()).isTrue();
        TokenResponse reuse = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(), new RefreshTokenGrant(r1))
                .toHTTPRequest().send());
        assertThat(reuse.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        TokenResponse afterReuse = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(),
                new RefreshTokenGrant(rotated.getRefreshToken())).toHTTPRequest().send());
        assertThat(afterReuse.indicatesSuccess()).isFalse();
        assertThat(introspect(rotated.getAccessToken().getValue()).isActive()).isFalse();

        // Revocation (RFC 7009) of the first grant's refresh token: its access token goes inactive too.
        assertThat(introspect(enrolled.getAccessToken().getValue()).isActive()).isTrue();
        HTTPResponse revoked = new TokenRevocationRequest(op.getRevocationEndpointURI(), client.auth(), enrolled.getRefreshToken())
                .toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(introspect(enrolled.getAccessToken().getValue()).isActive()).isFalse();

        // RP-initiated logout with the ID token: the session ends, its tokens are inactive, the receiver is told.
        Flow third = new Flow(client, List.of()); // single sign-on: the session answers at once
        OIDCTokens sso = third.exchange(third.code(second.send(HttpRequest.newBuilder(third.request.toURI()).GET())));
        assertThat(introspect(sso.getAccessToken().getValue()).isActive()).isTrue();
        URI logout = new LogoutRequest(op.getEndSessionEndpointURI(), sso.getIDToken(), GOODBYE, new State("bye")).toURI();
        assertThat(location(second.send(HttpRequest.newBuilder(logout).GET()))).isEqualTo(GOODBYE + "?state=bye");
        assertThat(location(second.get("/account"))).endsWith("/signin");
        assertThat(introspect(sso.getAccessToken().getValue()).isActive()).isFalse();
        SignedJWT event = awaitEvent("session-revoked", id.getSubject().getValue());
        assertThat(event.getHeader().getType().getType()).isEqualTo("secevent+jwt");
        assertThat(event.getJWTClaimsSet().getAudience()).containsExactly(client.id);
    }

    @Test
    void clientAuthenticationMethodsAndBadInputGetRfcErrorsAndNothingIssued() throws Exception {
        Client client = register(false);
        // Wrong secret, unknown client: invalid_client, 401.
        TokenResponse wrong = clientCredentials(new ClientSecretBasic(new ClientID(client.id), new Secret("wrong-secret")));
        assertThat(wrong.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(wrong.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
        TokenResponse unknown = clientCredentials(new ClientSecretPost(new ClientID("nobody"), new Secret("whatever-secret")));
        assertThat(unknown.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        // The registered method only: this client uses client_secret_basic, not post.
        TokenResponse post = clientCredentials(new ClientSecretPost(new ClientID(client.id), client.secret));
        assertThat(post.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        // A client without client_credentials may not use it.
        TokenResponse noGrant = clientCredentials(client.auth());
        assertThat(noGrant.toErrorResponse().getErrorObject().getCode()).isEqualTo("unauthorized_client");

        // Duplicated and oversized parameters: invalid_request.
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((client.id + ":" + client.secret.getValue()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> duplicated = form("/oauth2/token", basic, "grant_type=authorization_code&code=a&code=b&redirect_uri=" + enc(CALLBACK.toString()));
        assertThat(duplicated.statusCode()).isEqualTo(400);
        assertThat(duplicated.body()).contains("\"invalid_request\"");
        HttpResponse<String> oversized = form("/oauth2/token", basic, "grant_type=authorization_code&code=" + "x".repeat(5000));
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(oversized.body()).contains("\"invalid_request\"");

        // A redirect URI one character off: shown as an error page, never redirected.
        String number = newMember();
        FormClient browser = new FormClient(server);
        browser.signIn(number, PASSWORD);
        Flow off = new Flow(client, List.of(), URI.create(CALLBACK + "x"));
        HttpResponse<String> refused = browser.send(HttpRequest.newBuilder(off.request.toURI()).GET());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Location")).isEmpty();

        // PKCE verifier that does not match: invalid_grant and nothing issued; the code is still usable with the right one.
        Flow flow = new Flow(client, List.of());
        AuthorizationCode code = flow.code(browser.send(HttpRequest.newBuilder(flow.request.toURI()).GET()));
        TokenResponse badPkce = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(),
                new AuthorizationCodeGrant(code, CALLBACK, new CodeVerifier())).toHTTPRequest().send());
        assertThat(badPkce.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        OIDCTokens issued = flow.exchange(code);

        // Another client may not introspect this client's token; a resource server (rempart-admin) may.
        Client other = register(false);
        TokenIntrospectionResponse foreign = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(op.getIntrospectionEndpointURI(),
                other.auth(), new BearerAccessToken(issued.getAccessToken().getValue())).toHTTPRequest().send());
        assertThat(foreign.toSuccessResponse().isActive()).isFalse();
        assertThat(introspect(issued.getAccessToken().getValue()).isActive()).isTrue();

        // A code whose session ended before it was redeemed gives nothing.
        Flow late = new Flow(client, List.of());
        AuthorizationCode lateCode = late.code(browser.send(HttpRequest.newBuilder(late.request.toURI()).GET()));
        browser.submit("/account", "/signout", Map.of());
        TokenResponse afterSignOut = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(),
                new AuthorizationCodeGrant(lateCode, CALLBACK, late.verifier)).toHTTPRequest().send());
        assertThat(afterSignOut.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");

        // The same code a second time: invalid_grant, and what the first use issued is revoked.
        TokenResponse again = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(),
                new AuthorizationCodeGrant(code, CALLBACK, flow.verifier)).toHTTPRequest().send());
        assertThat(again.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(introspect(issued.getAccessToken().getValue()).isActive()).isFalse();
        assertThat(refresh(client, issued.getRefreshToken(), false)).isFalse();
    }

    @Test
    void aClientFromTheConfigurationAuthenticatesWithClientSecretPost() throws Exception {
        TokenResponse ok = clientCredentials(new ClientSecretPost(new ClientID("configured"), new Secret(RempartServer.CONFIGURED_CLIENT_SECRET)));
        assertThat(ok.indicatesSuccess()).isTrue();
        JWTClaimsSet claims = SignedJWT.parse(ok.toSuccessResponse().getTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getStringListClaim("groups")).containsExactly("helpdesk-supervisor");
        assertThat(clientCredentials(new ClientSecretBasic(new ClientID("configured"), new Secret(RempartServer.CONFIGURED_CLIENT_SECRET)))
                .toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
    }

    @Test
    void promptNoneMaxAgeAndPromptLoginFollowTheSession() throws Exception {
        Client client = register(false);
        FormClient browser = new FormClient(server);
        // prompt=none without a session: the client hears login_required, no page is shown.
        URI none = URI.create(new Flow(client, List.of()).request.toURI() + "&prompt=none");
        AuthenticationResponse refused = AuthenticationResponseParser.parse(URI.create(location(browser.send(HttpRequest.newBuilder(none).GET()))));
        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("login_required");

        String number = newMember();
        browser.signIn(number, PASSWORD);
        // Signed in: prompt=none answers with a code at once.
        Flow quiet = new Flow(client, List.of());
        AuthorizationCode code = quiet.code(browser.send(HttpRequest.newBuilder(URI.create(quiet.request.toURI() + "&prompt=none")).GET()));
        String sid = quiet.validate(quiet.exchange(code)).getStringClaim("sid");
        assertThat(sid).isNotNull();
        // prompt=login (and an exceeded max_age) asks for the password again, then goes on.
        Flow again = new Flow(client, List.of());
        assertThat(location(browser.send(HttpRequest.newBuilder(URI.create(again.request.toURI() + "&prompt=login")).GET())))
                .endsWith("/signin?reauth");
        assertThat(browser.get("/account").statusCode()).isEqualTo(200); // the session stays until the password is entered again
        OIDCTokens fresh = again.finish(browser, location(browser.submit("/signin?reauth", "/signin",
                Map.of("identifier", number, "password", PASSWORD))));
        IDTokenClaimsSet freshClaims = again.validate(fresh);
        assertThat(freshClaims.getAuthenticationTime().toInstant()).isAfter(Instant.now().minusSeconds(30));
        assertThat(freshClaims.getStringClaim("sid")).isEqualTo(sid); // same session, fresh authentication
        Thread.sleep(1100); // auth_time counts whole seconds on the server's clock (another process): one must pass
        Flow aged = new Flow(client, List.of());
        assertThat(location(browser.send(HttpRequest.newBuilder(URI.create(aged.request.toURI() + "&max_age=0")).GET())))
                .endsWith("/signin?reauth");
        // Once signed in again after the request, max_age=0 is met: no loop.
        OIDCTokens agedTokens = aged.finish(browser, location(browser.submit("/signin?reauth", "/signin",
                Map.of("identifier", number, "password", PASSWORD))));
        assertThat(agedTokens.getIDToken()).isNotNull();
        // acr_values asking for MFA with prompt=none and a password-only session: interaction_required.
        FormClient other = new FormClient(server);
        other.signIn(newMember(), PASSWORD);
        Flow mfa = new Flow(client, List.of(new ACR("urn:rempart:acr:mfa")));
        AuthenticationResponse interaction = AuthenticationResponseParser.parse(URI.create(location(
                other.send(HttpRequest.newBuilder(URI.create(mfa.request.toURI() + "&prompt=none")).GET()))));
        assertThat(interaction.toErrorResponse().getErrorObject().getCode()).isEqualTo("interaction_required");
    }

    @Test
    void privateKeyJwtClientCredentialsAndAssertionsAreSingleUse() throws Exception {
        var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("rp-1").generate();
        String id = "batch-" + System.nanoTime();
        HttpResponse<String> created = Api.postJson("/api/v1/clients", adminToken, "{\"clientId\":\"" + id
                + "\",\"grantTypes\":[\"client_credentials\"],\"groups\":[\"helpdesk-agent\"],\"tokenEndpointAuthMethod\":\"private_key_jwt\",\"jwks\":"
                + new JWKSet(key.toPublicJWK()) + "}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Api.json(created).containsKey("clientSecret")).isFalse();
        PrivateKeyJWT assertion = new PrivateKeyJWT(new ClientID(id), op.getTokenEndpointURI(), JWSAlgorithm.ES256, key.toECPrivateKey(), "rp-1", null);
        TokenResponse ok = clientCredentials(assertion);
        assertThat(ok.indicatesSuccess()).isTrue();
        JWTClaimsSet claims = SignedJWT.parse(ok.toSuccessResponse().getTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getStringListClaim("groups")).containsExactly("helpdesk-agent");
        assertThat(claims.getSubject()).isEqualTo(id);
        assertThat(clientCredentials(assertion).toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
    }

    @Test
    void forgedTokensAreRefusedByTheApiAndByIntrospection() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(server.baseUrl()).subject("rempart-admin").audience("rempart")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).issueTime(new Date()).jwtID("forged").claim("client_id", "rempart-admin")
                .claim("groups", List.of("security-admin")).build();
        String none = new PlainJWT(claims).serialize();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build(), claims);
        hmac.sign(new MACSigner(JWKSet.load(op.getJWKSetURI().toURL()).toString().getBytes(StandardCharsets.UTF_8)));
        var stranger = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("unknown-kid").generate();
        SignedJWT unknownKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt")).keyID("unknown-kid").build(), claims);
        unknownKid.sign(new com.nimbusds.jose.crypto.ECDSASigner(stranger));
        for (String forged : List.of(none, hmac.serialize(), unknownKid.serialize())) {
            assertThat(Api.get("/api/v1/audit/verification", forged).statusCode()).isEqualTo(401);
            assertThat(introspect(forged).isActive()).isFalse();
        }
        // Wrong issuer, audience, expired, not yet valid: refused even when well signed (by the configured test issuer's key).
        List<JWTClaimsSet.Builder> wrongs = List.of(server.claims("security-admin").issuer("https://elsewhere.invalid"),
                server.claims("security-admin").audience("someone-else"),
                server.claims("security-admin").expirationTime(Date.from(Instant.now().minusSeconds(120))),
                server.claims("security-admin").notBeforeTime(Date.from(Instant.now().plusSeconds(600))));
        for (JWTClaimsSet.Builder wrong : wrongs) {
            assertThat(Api.get("/api/v1/audit/verification", server.token(wrong.build())).statusCode()).isEqualTo(401);
        }
        assertThat(Api.get("/api/v1/audit/verification", adminToken).statusCode()).isEqualTo(200);
    }

    @Test
    void helpdeskStaffSignInToTheConsoleThroughTheProviderAndTheirTokensCarryTheirGroups() throws Exception {
        String username = "oidc.agent" + System.nanoTime() % 1_000_000;
        HttpResponse<String> staff = Api.postJson("/api/v1/staff", adminToken,
                "{\"username\":\"%s\",\"displayName\":\"Inès Moreau\",\"email\":\"%s@mutuelle.example\",\"groups\":[\"helpdesk-agent\"]}"
                        .formatted(username, username));
        assertThat(staff.statusCode()).as(staff.body()).isEqualTo(201);
        String initial = Api.json(staff).getString("initialPassword");
        Client console = register("console-" + System.nanoTime(), ",\"population\":\"staff\",\"scopes\":[\"openid\",\"profile\",\"email\",\"rempart:helpdesk\"]");

        // A member's session does not sign anyone in to the console.
        FormClient member = new FormClient(server);
        member.signIn(newMember(), PASSWORD);
        assertThat(location(member.send(HttpRequest.newBuilder(new Flow(console, List.of()).request.toURI()).GET()))).endsWith("/staff/signin");

        FormClient browser = new FormClient(server);
        Flow flow = new Flow(console, List.of(), CALLBACK, new Scope("openid", "profile", "email", "rempart:helpdesk"));
        assertThat(location(browser.send(HttpRequest.newBuilder(flow.request.toURI()).GET()))).endsWith("/staff/signin");
        assertThat(location(browser.submit("/staff/signin", "/staff/signin", Map.of("username", username, "password", initial))))
                .endsWith("/staff/signin/enrol");
        Matcher key = KEY.matcher(browser.get("/staff/signin/enrol").body());
        assertThat(key.find()).isTrue();
        String code = TotpIT.oathtool(key.group(1).replace(" ", ""), Instant.now().getEpochSecond());
        assertThat(location(browser.post("/staff/signin/enrol", Map.of("code", code), browser.csrf().orElseThrow()))).endsWith("/staff/signin/password");
        String chosen = "une autre phrase de passe assez longue";
        String resume = location(browser.submit("/staff/signin/password", "/staff/signin/password",
                Map.of("newPassword", chosen, "confirmPassword", chosen)));
        assertThat(resume).contains("/oauth2/authorize/resume");
        OIDCTokens tokens = flow.finish(browser, resume);
        IDTokenClaimsSet id = flow.validate(tokens);
        assertThat(id.getStringListClaim("groups")).containsExactly("helpdesk-agent");
        assertThat(id.getStringClaim("preferred_username")).isEqualTo(username);
        assertThat(id.getACR().getValue()).isEqualTo("urn:rempart:acr:mfa");
        assertThat(id.getClaim("account_security")).isNull();
        JWTClaimsSet access = SignedJWT.parse(tokens.getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(access.getStringListClaim("groups")).containsExactly("helpdesk-agent");
        assertThat(access.getAudience()).containsExactlyInAnyOrder(console.id, "rempart");
        // The agent's token, with the helpdesk scope, opens what agents may do, not what administrators may.
        assertThat(Api.get("/api/v1/members?q=" + Api.newMemberNumber(), tokens.getAccessToken().getValue()).statusCode()).isEqualTo(200);
        assertThat(Api.get("/api/v1/audit/verification", tokens.getAccessToken().getValue()).statusCode()).isEqualTo(403);

        // Staff sign-out ends the console's grant at once.
        browser.submit("/staff", "/staff/signout", Map.of());
        assertThat(introspect(tokens.getAccessToken().getValue()).isActive()).isFalse();
    }

    @Test
    void aPollingReceiverGetsTheEventsOfTheMembersItKnowsAndAcknowledgesThem() throws Exception {
        Client poller = register("poller-" + System.nanoTime(),
                ",\"events\":{\"delivery\":\"poll\"}", "\"authorization_code\",\"refresh_token\",\"client_credentials\"");
        String number = newMember();
        FormClient browser = new FormClient(server);
        Flow flow = new Flow(poller, List.of());
        browser.send(HttpRequest.newBuilder(flow.request.toURI()).GET());
        OIDCTokens tokens = flow.finish(browser, location(browser.signIn(number, PASSWORD)));
        String subject = flow.validate(tokens).getSubject().getValue();
        browser.submit("/account", "/signout", Map.of()); // the member signs out: session-revoked

        String token = clientCredentials(poller.auth()).toSuccessResponse().getTokens().getAccessToken().getValue();
        JsonObject first = poll(token, "{\"maxEvents\":10,\"returnImmediately\":true}");
        List<String> jtis = List.copyOf(first.getJsonObject("sets").keySet());
        assertThat(jtis).isNotEmpty();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, JWKSourceBuilder.create(op.getJWKSetURI().toURL()).build()));
        JWTClaimsSet event = processor.process(first.getJsonObject("sets").getString(jtis.get(0)), null);
        // One session signed out: a complex subject naming the user and that session (CAEP §3.1).
        assertThat(event.getJSONObjectClaim("sub_id")).containsEntry("format", "complex").containsKey("session");
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) event.getJSONObjectClaim("sub_id").get("user");
        assertThat(user).containsEntry("sub", subject).containsEntry("format", "iss_sub");
        assertThat(event.getJSONObjectClaim("events")).containsKey("https://schemas.openid.net/secevent/caep/event-type/session-revoked");
        assertThat(introspect(tokens.getAccessToken().getValue()).isActive()).isFalse();

        StringBuilder ack = new StringBuilder("{\"ack\":[");
        ack.append(String.join(",", jtis.stream().map(j -> "\"" + j + "\"").toList())).append("],\"returnImmediately\":true}");
        assertThat(poll(token, ack.toString()).getJsonObject("sets")).isEmpty();
        // Another client's token does not open this stream.
        assertThat(Api.send(HttpRequest.newBuilder(server.uri("/ssf/poll")).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).isEqualTo(401);
    }

    private static JsonObject poll(String token, String body) {
        HttpResponse<String> response = Api.send(HttpRequest.newBuilder(server.uri("/ssf/poll")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.json(response);
    }

    // --- the relying party's side ---

    private record Client(String id, Secret secret) {
        ClientAuthentication auth() {
            return new ClientSecretBasic(new ClientID(id), secret);
        }
    }

    private final class Flow {
        final Client client;
        final CodeVerifier verifier = new CodeVerifier();
        final Nonce nonce = new Nonce();
        final State state = new State();
        final AuthenticationRequest request;

        Flow(Client client, List<ACR> acr) {
            this(client, acr, CALLBACK);
        }

        Flow(Client client, List<ACR> acr, URI redirect) {
            this(client, acr, redirect, new Scope("openid", "profile", "email"));
        }

        Flow(Client client, List<ACR> acr, URI redirect, Scope scope) {
            this.client = client;
            AuthenticationRequest.Builder builder = new AuthenticationRequest.Builder(new ResponseType("code"), scope,
                    new ClientID(client.id), redirect).endpointURI(op.getAuthorizationEndpointURI()).state(state).nonce(nonce)
                    .codeChallenge(verifier, CodeChallengeMethod.S256);
            if (!acr.isEmpty()) {
                builder.acrValues(acr);
            }
            request = builder.build();
        }

        /** From the sign-in pages' last redirect (back to the authorization endpoint) to the tokens. */
        OIDCTokens finish(FormClient browser, String resume) throws Exception {
            HttpResponse<String> back = browser.send(HttpRequest.newBuilder(absolute(resume)).GET());
            return exchange(code(back));
        }

        AuthorizationCode code(HttpResponse<String> back) throws Exception {
            String target = back.statusCode() == 303 ? location(back) : refresh(back.body());
            AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(target));
            assertThat(response.indicatesSuccess()).as(target).isTrue();
            assertThat(response.getState()).isEqualTo(state);
            assertThat(response.toSuccessResponse().getIssuer().getValue()).isEqualTo(server.baseUrl());
            return response.toSuccessResponse().getAuthorizationCode();
        }

        OIDCTokens exchange(AuthorizationCode code) throws Exception {
            TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(),
                    new AuthorizationCodeGrant(code, CALLBACK, verifier)).toHTTPRequest().send());
            assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
            return ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens();
        }

        IDTokenClaimsSet validate(OIDCTokens tokens) throws Exception {
            IDTokenValidator validator = new IDTokenValidator(op.getIssuer(), new ClientID(client.id), JWSAlgorithm.ES256, op.getJWKSetURI().toURL());
            IDTokenClaimsSet claims = validator.validate(tokens.getIDToken(), nonce);
            assertThat(claims.getStringClaim("at_hash")).isNotNull();
            return claims;
        }
    }

    private static String refresh(String page) {
        Matcher m = REFRESH.matcher(page);
        assertThat(m.find()).as("a page that moves on to the client").isTrue();
        // An HTML attribute: character references decoded as a browser does.
        String value = Pattern.compile("&#x([0-9a-fA-F]+);").matcher(m.group(1))
                .replaceAll(r -> Character.toString(Integer.parseInt(r.group(1), 16)));
        return value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String newMember() {
        String number = Api.newMemberNumber();
        assertThat(Api.postJson("/api/v1/members", adminToken, Api.member(number, number.toLowerCase() + "@example.org", PASSWORD)).statusCode())
                .isEqualTo(201);
        return number;
    }

    private static Client register(boolean withEvents) {
        return register("portal-" + System.nanoTime(), withEvents
                ? ",\"events\":{\"delivery\":\"push\",\"endpoint\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/events\"}" : "");
    }

    private static Client register(String id, String extra) {
        return register(id, extra, "\"authorization_code\",\"refresh_token\"");
    }

    private static Client register(String id, String extra, String grantTypes) {
        HttpResponse<String> created = Api.postJson("/api/v1/clients", adminToken, "{\"clientId\":\"" + id + "\",\"redirectUris\":[\"" + CALLBACK
                + "\"],\"postLogoutRedirectUris\":[\"" + GOODBYE + "\"],\"grantTypes\":[" + grantTypes + "]" + extra + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new Client(id, new Secret(Api.json(created).getString("clientSecret")));
    }

    private static TokenResponse clientCredentials(ClientAuthentication auth) throws Exception {
        return TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), auth, new ClientCredentialsGrant()).toHTTPRequest().send());
    }

    private static OIDCTokenResponse refresh(Client client, RefreshToken token) throws Exception {
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(), new RefreshTokenGrant(token))
                .toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    private static boolean refresh(Client client, RefreshToken token, boolean expectSuccess) throws Exception {
        TokenResponse response = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(), client.auth(), new RefreshTokenGrant(token))
                .toHTTPRequest().send());
        if (!response.indicatesSuccess()) {
            assertThat(((TokenErrorResponse) response).getErrorObject().getCode()).isEqualTo("invalid_grant");
        }
        return response.indicatesSuccess();
    }

    private static com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse introspect(String token) throws Exception {
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(op.getIntrospectionEndpointURI(),
                new ClientSecretBasic(new ClientID("rempart-admin"), new Secret(RempartServer.ADMIN_SECRET)), new BearerAccessToken(token))
                .toHTTPRequest().send());
        return response.toSuccessResponse();
    }

    private static SignedJWT awaitEvent(String type, String subject) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, JWKSourceBuilder.create(op.getJWKSetURI().toURL()).build()));
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            for (String set : received) {
                SignedJWT jwt = SignedJWT.parse(set);
                JWTClaimsSet claims = processor.process(jwt, null); // signature checked against the provider's JWKS
                Map<String, Object> subjectId = claims.getJSONObjectClaim("sub_id");
                @SuppressWarnings("unchecked")
                Map<String, Object> user = "complex".equals(subjectId.get("format")) ? (Map<String, Object>) subjectId.get("user") : subjectId;
                if (subject.equals(user.get("sub")) && claims.getJSONObjectClaim("events").keySet().stream().anyMatch(k -> k.endsWith("/" + type))) {
                    assertThat(claims.getIssuer()).isEqualTo(server.baseUrl());
                    return jwt;
                }
            }
            Thread.sleep(250); // the server (another process) works in the background: poll
        }
        throw new AssertionError("No " + type + " event for " + subject + " in " + received.size() + " received");
    }

    private static HttpResponse<String> form(String path, String authorization, String body) {
        return Api.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("(none: " + response.statusCode() + ")");
    }

    static URI absolute(String location) {
        return URI.create(location.startsWith("http") ? location : RempartServer.get().baseUrl() + location);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
