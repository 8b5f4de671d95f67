package fr.rempart.it;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, point 8, as the anonymous client sends it: malformed bodies, parameters and paths get a
 * 400 (problem details under /api, the error page elsewhere) or a safe redirect, with the security
 * headers, never a 500, a stack trace or the server's own page.
 */
class BadInputIT {

    private final RempartServer server = RempartServer.get();

    private static void assertSafe(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src"));
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at fr.rempart").doesNotContain("Payara");
    }

    @Test
    void jsonNestedThirtyThousandDeepIsA400BeforeAnyParser() {
        String deep = "[".repeat(30_000) + "]".repeat(30_000);
        HttpResponse<String> r = Api.postJson("/api/v1/message-checks", null, deep);
        assertSafe(r);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        // Strings may hold brackets: a well-formed check is not mistaken for a deep one.
        HttpResponse<String> brackets = Api.postJson("/api/v1/message-checks", null, "{\"code\":\"" + "[[[[".repeat(20) + "\"}");
        assertSafe(brackets);
        assertThat(brackets.statusCode()).isEqualTo(400);
        assertThat(brackets.body()).doesNotContain("imbriqué").doesNotContain("nested");
    }

    @Test
    void aPollThatIsNotAnObjectIsA400AndAnAnonymousOneA401() {
        HttpResponse<String> anonymous = Api.send(HttpRequest.newBuilder(server.uri("/ssf/poll")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1]")));
        assertSafe(anonymous);
        assertThat(anonymous.statusCode()).isEqualTo(401);

        String id = "poll-bad-" + System.nanoTime();
        HttpResponse<String> created = Api.postJson("/api/v1/clients", server.token("security-admin"), "{\"clientId\":\"" + id
                + "\",\"redirectUris\":[],\"grantTypes\":[\"client_credentials\"],\"events\":{\"delivery\":\"poll\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = Api.json(created).getString("clientSecret");
        HttpResponse<String> token = Api.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String bearer = Api.json(token).getString("access_token");
        for (String body : new String[]{"[1]", "\"ack\"", "{\"maxEvents\":1e999999999}", "{\"ack\":"}) {
            HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/ssf/poll")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(body + " → " + r.body()).isIn(200, 400);
            assertThat(r.body()).doesNotContain("Exception");
        }
    }

    @Test
    void aReturnPathWithAControlCharacterGoesHome() {
        for (String back : new String[]{"/%09/x", "/%0d%0aSet-Cookie:x=y", "//evil.example", "/%5Cevil", "https://evil.example/"}) {
            HttpResponse<String> r = new FormClient(server).get("/lang/en?return=" + back);
            assertThat(r.statusCode()).as(back).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(back).hasValueSatisfying(l -> assertThat(URI.create(l).getPath()).isEqualTo("/"));
        }
    }

    @Test
    void aMangledIncidentInAStaffPathIsNoError() {
        for (String path : new String[]{"/staff/incidents/%20/campaign", "/staff/incidents/%09%0a/campaign", "/staff/incidents/%E2%80%AE/campaign/at-risk.csv"}) {
            HttpResponse<String> r = new FormClient(server).get(path);
            assertThat(r.statusCode()).as(path).isIn(303, 400, 404);
            assertThat(r.headers().firstValue("Set-Cookie").orElse("")).as(path).doesNotContain("%20");
        }
        // Signed in as a security administrator, the same paths are a 404 page, not a 500.
        FormClient admin = BreachListIT.securityAdministrator();
        HttpResponse<String> r = admin.get("/staff/incidents/%20/campaign");
        assertSafe(r);
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void malformedFormsAndParametersAreRefusedNotFailed() {
        FormClient browser = new FormClient(server);
        for (Map.Entry<String, String> post : Map.of("/signin", "identifier=%ZZ&password=x", "/message-check", "code=%",
                "/password/forgot", "email=" + "a".repeat(70_000)).entrySet()) {
            browser.get(post.getKey());
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(server.uri(post.getKey()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(post.getValue() + "&_csrf=" + browser.csrf().orElse(""))));
            assertThat(r.statusCode()).as(post.getKey()).isLessThan(500);
            assertThat(r.body()).as(post.getKey()).doesNotContain("Exception");
        }
    }
}
