package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformIT {

    private final RempartServer server = RempartServer.get();

    @Test
    void readinessChecksTheDatabase() {
        HttpResponse<String> r = Api.get("/health/ready", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"database\":\"true\"").contains("\"UP\"");
        assertThat(Api.get("/health/live", null).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAndOpenApiAreServed() {
        new FormClient(server).signIn("10000001", "lavande-orage-pivert-42");
        HttpResponse<String> metrics = Api.get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("rempart_signin");
        HttpResponse<String> openapi = Api.get("/openapi", null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).contains("/api/v1/members").contains("/api/v1/member-imports").contains("/api/v1/staff")
                .contains("/api/v1/incidents").contains("/api/v1/clients");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (String path : new String[]{"/signin", "/api/v1/members", "/assets/rempart.css", "/no-such-page"}) {
            HttpResponse<String> r = Api.get(path, null);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'").contains("script-src 'self'")
                            .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(path).isEmpty();
        }
    }

    @Test
    void behindTlsTheServerSendsHstsAndSecureHostCookies() {
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/signin")).header("X-Forwarded-Proto", "https"));
        assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(h -> assertThat(h).contains("max-age="));
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("__Host-rempart_csrf=").contains("Secure"));
    }

    @Test
    void pagesHaveNoInlineScriptOrStyle() {
        String page = Api.get("/signin", null).body();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style").doesNotContain(" style=")
                .doesNotContainPattern(" on[a-z]+=");
    }

    @Test
    void theAuditChainVerifiesAndReportsTheFirstBrokenLink() throws Exception {
        String admin = server.token("security-admin");
        new FormClient(server).signIn("10000001", "wrong password for the audit");
        HttpResponse<String> r = Api.get("/api/v1/audit/verification", admin);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject verification = Api.json(r);
        assertThat(verification.getBoolean("intact")).isTrue();
        assertThat(verification.getInt("checked")).isPositive();
        assertThat(Api.get("/api/v1/audit/verification", server.token("helpdesk-agent")).statusCode()).isEqualTo(403);

        if (server.postgresql()) {
            try (var db = server.database()) {
                String original;
                try (var s = db.createStatement(); var rows = s.executeQuery("select action from audit_event where seq = 2")) {
                    rows.next();
                    original = rows.getString(1);
                }
                try (var s = db.prepareStatement("update audit_event set action = 'nothing.happened' where seq = 2")) {
                    s.executeUpdate();
                }
                try {
                    JsonObject broken = Api.json(Api.get("/api/v1/audit/verification", admin));
                    assertThat(broken.getBoolean("intact")).isFalse();
                    assertThat(broken.getInt("firstBrokenSeq")).isEqualTo(2);
                } finally {
                    try (var s = db.prepareStatement("update audit_event set action = ? where seq = 2")) {
                        s.setString(1, original);
                        s.executeUpdate();
                    }
                }
                assertThat(Api.json(Api.get("/api/v1/audit/verification", admin)).getBoolean("intact")).isTrue();
            }
        }
    }
}
