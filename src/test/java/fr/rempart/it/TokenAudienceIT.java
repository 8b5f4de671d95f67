package fr.rempart.it;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static fr.rempart.it.OidcIT.absolute;
import static fr.rempart.it.OidcIT.enc;
import static fr.rempart.it.OidcIT.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14, as the attacker tried it: a relying party holding a member's or a staff member's token
 * calls {@code /api/v1} with it; a client named like a member passes for that member; a refresh token
 * keeps working after its session signed out or timed out. Tokens name their audience, scopes decide
 * what they open, and grants end with their session unless offline access was asked.
 */
class TokenAudienceIT {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private static final String CALLBACK = "https://rp.example/cb";
    private static final Pattern KEY = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>");

    static RempartServer server;
    static String admin;

    @BeforeAll
    static void start() {
        server = RempartServer.get();
        // The bootstrap client, with a plain client_credentials request (the contract): its groups imply rempart:admin.
        HttpResponse<String> token = tokenRequest("rempart-admin", RempartServer.ADMIN_SECRET, Map.of("grant_type", "client_credentials"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(Api.json(token).getString("scope")).isEqualTo("rempart:admin");
        admin = Api.json(token).getString("access_token");
    }

    @Test
    void aRelyingPartysMemberTokenOpensNoneOfTheApiAndChangesNothing() throws Exception {
        String number = newMember();
        Client portal = register("portal", "", "\"authorization_code\",\"refresh_token\"");
        FormClient browser = signedIn(number);
        JsonObject tokens = codeFlow(browser, portal, "openid profile", null);
        String token = tokens.getString("access_token");
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(portal.id());
        assertThat(claims.getStringClaim("subject_kind")).isEqualTo("member");
        // Meant for the relying party: UserInfo and introspection take it.
        assertThat(Api.get("/userinfo", token).statusCode()).isEqualTo(200);
        assertThat(Api.json(introspect(portal, token)).getBoolean("active")).isTrue();

        // The attack: the member's own view, a password check as them, a "gave my password" report that ends their sessions.
        assertRefused(Api.get("/api/v1/members/" + number + "/security", token), 401, "invalid_token");
        assertRefused(Api.postJson("/api/v1/password-checks", token, "{\"password\":\"" + PASSWORD + "\"}"), 401, "invalid_token");
        assertRefused(Api.postJson("/api/v1/reports", token, gavePassword()), 401, "invalid_token");
        assertRefused(Api.get("/api/v1/reports?status=NEW", token), 401, "invalid_token");

        // With the API as resource (RFC 8707) but not the member scope: the audience is there, the permission is not.
        JsonObject resource = codeFlow(browser, portal, "openid", "rempart");
        String forApi = resource.getString("access_token");
        assertThat(SignedJWT.parse(forApi).getJWTClaimsSet().getAudience()).containsExactlyInAnyOrder(portal.id(), "rempart");
        assertRefused(Api.get("/api/v1/members/" + number + "/security", forApi), 403, "insufficient_scope");
        assertRefused(Api.postJson("/api/v1/reports", forApi, gavePassword()), 403, "insufficient_scope");
        // Another resource than the API: invalid_target (RFC 8707 §2).
        HttpResponse<String> elsewhere = browser.send(HttpRequest.newBuilder(authorize(portal, "openid", "https://elsewhere.example/", "s")).GET());
        assertThat(location(elsewhere)).contains("error=invalid_target");

        // Nothing changed: no report filed for the member, the session is still open, the tokens still work.
        JsonObject state = Api.json(Api.get("/api/v1/members/" + number + "/security", server.token("helpdesk-agent")));
        assertThat(state.getJsonArray("reports")).isEmpty();
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        assertThat(Api.json(introspect(portal, token)).getBoolean("active")).isTrue();
    }

    @Test
    void anAppRegisteredForTheMemberScopeOpensItsMembersOwnViewAndNoOneElses() throws Exception {
        String number = newMember();
        String other = newMember();
        Client app = register("app", ",\"scopes\":[\"openid\",\"offline_access\",\"rempart:self\"]", "\"authorization_code\",\"refresh_token\"");
        FormClient browser = signedIn(number);
        String token = codeFlow(browser, app, "openid rempart:self", null).getString("access_token");
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(app.id(), "rempart");
        assertThat(claims.getStringClaim("scope")).isEqualTo("openid rempart:self");
        assertThat(Api.get("/api/v1/members/" + number + "/security", token).statusCode()).isEqualTo(200);
        assertThat(Api.get("/api/v1/members/" + other + "/security", token).statusCode()).isEqualTo(403);
        assertThat(Api.get("/api/v1/members?q=" + other, token).statusCode()).isEqualTo(403);
        assertThat(Api.get("/api/v1/reports?status=NEW", token).statusCode()).isEqualTo(403);

        // A client not registered for the member scope does not get it by asking.
        Client portal = register("portal", "", "\"authorization_code\"");
        HttpResponse<String> asked = browser.send(HttpRequest.newBuilder(authorize(portal, "openid rempart:self", null, "s")).GET());
        assertThat(location(asked)).contains("error=invalid_scope");
    }

    @Test
    void aClientNamedAfterAMembersIdIsNotThatMember() throws Exception {
        String number = newMember();
        Client app = register("app", ",\"scopes\":[\"openid\",\"rempart:self\"]", "\"authorization_code\"");
        String memberId = SignedJWT.parse(codeFlow(signedIn(number), app, "openid rempart:self", null).getString("access_token"))
                .getJWTClaimsSet().getSubject();
        assertThat(memberId).matches("[0-9a-f-]{36}");
        // The registration accepts the id (it is a valid client id): the token's subject_kind says what it is, not its name.
        HttpResponse<String> created = Api.postJson("/api/v1/clients", admin,
                "{\"clientId\":\"" + memberId + "\",\"grantTypes\":[\"client_credentials\"],\"groups\":[]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = Api.json(created).getString("clientSecret");
        HttpResponse<String> issued = tokenRequest(memberId, secret, Map.of("grant_type", "client_credentials", "resource", "rempart"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = Api.json(issued).getString("access_token");
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(memberId);
        assertThat(claims.getStringClaim("subject_kind")).isEqualTo("client");

        assertThat(Api.get("/api/v1/members/" + number + "/security", token).statusCode()).isEqualTo(403);
        // A report it files is the client's, not the member's: nothing lands on the member's account, no session ends.
        FormClient browser = signedIn(number);
        assertThat(Api.postJson("/api/v1/reports", token, gavePassword()).statusCode()).isEqualTo(201);
        JsonObject state = Api.json(Api.get("/api/v1/members/" + number + "/security", server.token("helpdesk-agent")));
        assertThat(state.getJsonArray("reports")).isEmpty();
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        // Asking for an API scope its groups do not give: refused.
        assertThat(tokenRequest(memberId, secret, Map.of("grant_type", "client_credentials", "scope", "rempart:self")).body())
                .contains("invalid_scope");
    }

    @Test
    void aRefreshTokenWithoutOfflineAccessEndsWhenTheSessionSignsOut() throws Exception {
        String number = newMember();
        Client portal = register("portal", "", "\"authorization_code\",\"refresh_token\"");
        FormClient browser = signedIn(number);
        JsonObject tokens = codeFlow(browser, portal, "openid", null);
        JsonObject refreshed = refresh(portal, tokens.getString("refresh_token"));
        assertThat(refreshed.containsKey("access_token")).isTrue();

        browser.submit("/account", "/signout", Map.of());
        HttpResponse<String> after = tokenRequest(portal.id(), portal.secret(), Map.of("grant_type", "refresh_token",
                "refresh_token", refreshed.getString("refresh_token")));
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(after.body()).contains("invalid_grant");
        assertThat(Api.json(introspect(portal, refreshed.getString("access_token"))).getBoolean("active")).isFalse();
    }

    @Test
    void aRefreshTokenWithoutOfflineAccessEndsWhenTheSessionTimesOut() throws Exception {
        // Timing out without waiting 30 minutes means moving the session's last activity back in its database; the H2 file
        // is locked by the server, so this case runs on PostgreSQL only (the same code serves both).
        assumeTrue(server.postgresql(), "needs direct database access (PostgreSQL run)");
        String number = newMember();
        Client portal = register("portal", "", "\"authorization_code\",\"refresh_token\"");
        FormClient browser = signedIn(number);
        JsonObject tokens = codeFlow(browser, portal, "openid", null);
        String sid = SignedJWT.parse(tokens.getString("access_token")).getJWTClaimsSet().getStringClaim("sid");
        idle("web_session", sid, 31);

        // Nobody came back to the site: the refresh alone must find the session gone.
        HttpResponse<String> after = tokenRequest(portal.id(), portal.secret(), Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.getString("refresh_token")));
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(after.body()).contains("invalid_grant");
        assertThat(Api.json(introspect(portal, tokens.getString("access_token"))).getBoolean("active")).isFalse();
        // The browser's next request finds it timed out too.
        assertThat(location(browser.get("/account"))).endsWith("/signin");
    }

    @Test
    void anOfflineGrantSurvivesTheSignOutButNotAPasswordChange() throws Exception {
        String number = newMember();
        String email = number.toLowerCase() + "@example.org";
        Client app = register("app", "", "\"authorization_code\",\"refresh_token\"");
        FormClient browser = signedIn(number);
        JsonObject tokens = codeFlow(browser, app, "openid offline_access", null);
        browser.submit("/account", "/signout", Map.of());
        JsonObject offline = refresh(app, tokens.getString("refresh_token"));
        assertThat(offline.getString("scope")).contains("offline_access");

        // The password is changed (forgotten-password reset): every grant of the account ends, offline ones too.
        FormClient member = new FormClient(server);
        member.submit("/password/forgot", "/password/forgot", Map.of("email", email));
        Matcher link = Pattern.compile("/password/reset\\?token=([A-Za-z0-9_-]{22})").matcher(Mailbox.await(server, email, "/password/reset?token="));
        assertThat(link.find()).isTrue();
        member.get("/password/reset?token=" + link.group(1));
        String chosen = "le héron cendré du marais poitevin";
        assertThat(member.post("/password/reset", Map.of("token", link.group(1), "newPassword", chosen, "confirmPassword", chosen),
                member.csrf().orElseThrow()).statusCode()).isEqualTo(303);
        HttpResponse<String> after = tokenRequest(app.id(), app.secret(), Map.of("grant_type", "refresh_token",
                "refresh_token", offline.getString("refresh_token")));
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(after.body()).contains("invalid_grant");
    }

    @Test
    void aStaffConsolesRefreshTokenEndsWhenTheStaffSessionTimesOut() throws Exception {
        Client console = register("console", ",\"population\":\"staff\",\"scopes\":[\"openid\",\"profile\",\"rempart:helpdesk\"]",
                "\"authorization_code\",\"refresh_token\"");
        // A console may not be registered for offline access: staff grants never outlive the staff session.
        HttpResponse<String> offline = Api.postJson("/api/v1/clients", admin, "{\"clientId\":\"console-offline-" + System.nanoTime()
                + "\",\"redirectUris\":[\"" + CALLBACK + "\"],\"grantTypes\":[\"authorization_code\",\"refresh_token\"],\"population\":\"staff\","
                + "\"scopes\":[\"openid\",\"offline_access\"]}");
        assertThat(offline.statusCode()).isEqualTo(400);
        assertThat(offline.body()).contains("SCOPE_NOT_FOR_STAFF");

        String number = newMember();
        FormClient browser = new FormClient(server);
        String pkce = verifier();
        URI request = authorize(console, "openid rempart:helpdesk", null, "st", pkce);
        assertThat(location(browser.send(HttpRequest.newBuilder(request).GET()))).endsWith("/staff/signin");
        String resume = staffSignIn(browser, "agent");
        JsonObject tokens = exchange(console, code(browser.send(HttpRequest.newBuilder(absolute(resume)).GET())), pkce);
        String token = tokens.getString("access_token");
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(console.id(), "rempart");
        assertThat(claims.getStringClaim("subject_kind")).isEqualTo("staff");
        assertThat(Api.get("/api/v1/members/" + number + "/security", token).statusCode()).isEqualTo(200);
        // An agent's token with the helpdesk scope is still no administrator's.
        assertThat(Api.get("/api/v1/audit/verification", token).statusCode()).isEqualTo(403);
        JsonObject refreshed = refresh(console, tokens.getString("refresh_token"));

        assumeTrue(server.postgresql(), "the timeout needs direct database access (PostgreSQL run; the H2 file is locked by the server)");
        idle("staff_session", claims.getStringClaim("sid"), 16);
        HttpResponse<String> after = tokenRequest(console.id(), console.secret(), Map.of("grant_type", "refresh_token",
                "refresh_token", refreshed.getString("refresh_token")));
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(after.body()).contains("invalid_grant");
        // What the console still holds is refused at once: the grant is revoked.
        assertRefused(Api.get("/api/v1/members/" + number + "/security", refreshed.getString("access_token")), 401, "invalid_token");
    }

    @Test
    void aConsoleTokenWithoutTheHelpdeskScopeDoesNotOpenTheHelpdeskApi() throws Exception {
        Client console = register("console", ",\"population\":\"staff\",\"scopes\":[\"openid\",\"rempart:helpdesk\"]", "\"authorization_code\"");
        String number = newMember();
        FormClient browser = new FormClient(server);
        String pkce = verifier();
        // The API as resource, but not the helpdesk scope: the agent's groups are in the token, and count for nothing here.
        browser.send(HttpRequest.newBuilder(authorize(console, "openid", "rempart", "st", pkce)).GET());
        String resume = staffSignIn(browser, "agent2");
        String token = exchange(console, code(browser.send(HttpRequest.newBuilder(absolute(resume)).GET())), pkce).getString("access_token");
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("groups")).containsExactly("helpdesk-agent");
        HttpResponse<String> refused = Api.get("/api/v1/members/" + number + "/security", token);
        assertRefused(refused, 403, "insufficient_scope");
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"rempart:helpdesk\"");
    }

    @Test
    void discoveryListsTheApiScopes() {
        JsonObject metadata = Api.json(Api.get("/.well-known/openid-configuration", null));
        assertThat(metadata.getJsonArray("scopes_supported").toString()).contains("\"rempart:self\"", "\"rempart:helpdesk\"", "\"rempart:admin\"",
                "\"offline_access\"");
        assertThat(metadata.getJsonArray("claims_supported").toString()).contains("\"subject_kind\"");
    }

    // --- helpers: a relying party by hand ---

    private record Client(String id, String secret) {
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("error=\"" + error + "\""));
    }

    private static String gavePassword() {
        return """
                {"kinds":["SUSPICIOUS_MESSAGE","GAVE_INFORMATION"],"channel":"SMS","claimedSender":"MUTUAL","occurredOn":"2026-01-12",
                 "senderNumber":"+33 7 00 11 22 33","linkOrNumber":"https://www.mutuelle-rembourse.example/a?b=1",
                 "messageText":"Votre compte est bloqué","informationGiven":["PASSWORD"],
                 "lastName":"Martin","firstName":"Paul","birthDate":"1970-02-03","contactEmail":"paul.martin@exemple.fr",
                 "submissionKey":"it-%s"}
                """.formatted(UUID.randomUUID());
    }

    private static String newMember() {
        String number = Api.newMemberNumber();
        HttpResponse<String> created = Api.postJson("/api/v1/members", admin, Api.member(number, number.toLowerCase() + "@example.org", PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return number;
    }

    private static Client register(String prefix, String extra, String grantTypes) {
        String id = prefix + "-" + System.nanoTime();
        HttpResponse<String> created = Api.postJson("/api/v1/clients", admin, "{\"clientId\":\"" + id + "\",\"redirectUris\":[\"" + CALLBACK
                + "\"],\"grantTypes\":[" + grantTypes + "]" + extra + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new Client(id, Api.json(created).getString("clientSecret"));
    }

    private static FormClient signedIn(String number) {
        FormClient browser = new FormClient(server);
        assertThat(browser.signIn(number, PASSWORD).statusCode()).isEqualTo(303);
        return browser;
    }

    /** A member of staff created by the administrator, signed in through the staff pages (TOTP enrolment, new password). */
    private static String staffSignIn(FormClient browser, String prefix) throws Exception {
        String username = prefix + System.nanoTime() % 1_000_000;
        HttpResponse<String> staff = Api.postJson("/api/v1/staff", admin,
                "{\"username\":\"%s\",\"displayName\":\"Inès Moreau\",\"email\":\"%s@mutuelle.example\",\"groups\":[\"helpdesk-agent\"]}"
                        .formatted(username, username));
        assertThat(staff.statusCode()).as(staff.body()).isEqualTo(201);
        browser.submit("/staff/signin", "/staff/signin", Map.of("username", username, "password", Api.json(staff).getString("initialPassword")));
        Matcher key = KEY.matcher(browser.get("/staff/signin/enrol").body());
        assertThat(key.find()).isTrue();
        String code = TotpIT.oathtool(key.group(1).replace(" ", ""), Instant.now().getEpochSecond());
        browser.post("/staff/signin/enrol", Map.of("code", code), browser.csrf().orElseThrow());
        String chosen = "une autre phrase de passe assez longue";
        String resume = location(browser.submit("/staff/signin/password", "/staff/signin/password", Map.of("newPassword", chosen, "confirmPassword", chosen)));
        assertThat(resume).contains("/oauth2/authorize/resume");
        return resume;
    }

    /** The code flow with PKCE for a signed-in browser: the token response. */
    private static JsonObject codeFlow(FormClient browser, Client client, String scope, String resource) throws Exception {
        String pkce = verifier();
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(authorize(client, scope, resource, "st", pkce)).GET());
        return exchange(client, code(back), pkce);
    }

    private static URI authorize(Client client, String scope, String resource, String state) throws Exception {
        return authorize(client, scope, resource, state, verifier());
    }

    private static URI authorize(Client client, String scope, String resource, String state, String verifier) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> p = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", client.id(), "redirect_uri", CALLBACK,
                "scope", scope, "state", state, "code_challenge", challenge, "code_challenge_method", "S256"));
        if (resource != null) {
            p.put("resource", resource);
        }
        return server.uri("/oauth2/authorize?" + form(p));
    }

    private static String code(HttpResponse<String> back) {
        String target = back.statusCode() == 303 ? location(back) : meta(back.body());
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(target);
        assertThat(code.find()).as(target).isTrue();
        return code.group(1);
    }

    private static String meta(String page) {
        Matcher m = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">").matcher(page);
        assertThat(m.find()).as("a page that moves on to the client").isTrue();
        // An HTML attribute: character references decoded as a browser does.
        String value = Pattern.compile("&#x([0-9a-fA-F]+);").matcher(m.group(1)).replaceAll(r -> Character.toString(Integer.parseInt(r.group(1), 16)));
        return value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static JsonObject exchange(Client client, String code, String verifier) {
        HttpResponse<String> response = tokenRequest(client.id(), client.secret(), Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", CALLBACK, "code_verifier", verifier));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.json(response);
    }

    private static JsonObject refresh(Client client, String refreshToken) {
        HttpResponse<String> response = tokenRequest(client.id(), client.secret(), Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.json(response);
    }

    private static HttpResponse<String> tokenRequest(String clientId, String secret, Map<String, String> parameters) {
        return Api.send(HttpRequest.newBuilder(server.uri("/oauth2/token")).header("Authorization", basic(clientId, secret))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    private static HttpResponse<String> introspect(Client client, String token) {
        return Api.send(HttpRequest.newBuilder(server.uri("/oauth2/introspect")).header("Authorization", basic(client.id(), client.secret()))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token)))));
    }

    /** Moves a session's last activity back by this many minutes, as if nobody had used it since. */
    private static void idle(String table, String sid, int minutes) throws Exception {
        try (Connection c = server.database();
             PreparedStatement s = c.prepareStatement("update " + table + " set last_seen_at = last_seen_at - make_interval(mins => ?) where sid = ?")) {
            s.setInt(1, minutes);
            s.setString(2, sid);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    private static String verifier() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }
}
