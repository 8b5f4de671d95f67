package fr.rempart.it;

import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SignInIT {

    private static final String PASSWORD = "une phrase de passe assez longue";
    private final RempartServer server = RempartServer.get();
    private final String admin = server.token("security-admin");

    private String newMember(String nir) {
        String number = Api.newMemberNumber();
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, Api.member(number, nir, number.toLowerCase() + "@example.org", PASSWORD));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return number;
    }

    @Test
    void aMemberSignsInWithMemberNumberEmailOrNir() {
        String nir = Api.newNir();
        String number = newMember(nir);
        String spacedNir = nir.substring(0, 1) + " " + nir.substring(1, 3) + " " + nir.substring(3, 5) + " " + nir.substring(5, 7) + " "
                + nir.substring(7, 10) + " " + nir.substring(10, 13) + " " + nir.substring(13);
        for (String identifier : new String[]{number, number.toLowerCase() + "@EXAMPLE.org", spacedNir}) {
            FormClient browser = new FormClient(server);
            HttpResponse<String> r = browser.signIn(identifier, PASSWORD);
            assertThat(r.statusCode()).as(identifier).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/account"));
            HttpResponse<String> account = browser.get("/account");
            assertThat(account.statusCode()).isEqualTo(200);
            assertThat(account.body()).contains(number).contains("2 84 05 ** *** *** ").doesNotContain(nir);
        }
    }

    @Test
    void theSessionCookieIsHttpOnlySameSiteAndRenewedAtSignIn() {
        newMember(Api.newNir());
        String number = newMember(Api.newNir());
        FormClient browser = new FormClient(server);
        browser.addCookie(fixated());
        HttpResponse<String> r = browser.signIn(number, PASSWORD);
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("rempart_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain(fixated().getValue());
        // The planted identifier opens nothing; the issued one does.
        FormClient planted = new FormClient(server);
        planted.addCookie(fixated());
        assertThat(planted.get("/account").statusCode()).isEqualTo(303);
    }

    private static HttpCookie fixated() {
        HttpCookie cookie = new HttpCookie("rempart_session", "AttackerChosenSessionIdentifier0123456789ab");
        cookie.setPath("/");
        return cookie;
    }

    @Test
    void unknownAccountWrongPasswordAndLockedAccountGetTheSameAnswer() {
        String number = newMember(Api.newNir());
        String unknown = page(new FormClient(server).signIn("ZZ" + Api.newMemberNumber().substring(3), "whatever it is today"));
        String wrong = page(new FormClient(server).signIn(number, "not the right password"));
        FormClient attacker = new FormClient(server);
        for (int i = 0; i < 5; i++) {
            attacker.signIn(number, "guess number " + i);
        }
        String locked = page(new FormClient(server).signIn(number, PASSWORD));
        assertThat(wrong).isEqualTo(unknown);
        assertThat(locked).isEqualTo(unknown);
    }

    /** The page without its per-request CSRF token and the echoed identifier. */
    private static String page(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().replaceAll("value=\"[^\"]*\"", "value=\"\"");
    }

    @Test
    void afterRepeatedFailuresTheAccountIsLockedForNewDevicesButNotForTheMembersOwnBrowser() {
        String number = newMember(Api.newNir());
        FormClient member = new FormClient(server);
        assertThat(member.signIn(number, PASSWORD).statusCode()).isEqualTo(303);
        assertThat(member.cookie("rempart_device")).isPresent();
        member.post("/signout", Map.of(), member.get("/account").body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1"));

        // An attacker elsewhere tries passwords until the account locks.
        for (int i = 0; i < 6; i++) {
            new FormClient(server).signIn(number, "attempt " + i + " from a botnet");
        }
        // The right password from an unknown device is refused while the lock lasts…
        assertThat(new FormClient(server).signIn(number, PASSWORD).statusCode()).isEqualTo(200);
        // …but the member's own browser, holding its device cookie, still gets in.
        assertThat(member.signIn(number, PASSWORD).statusCode()).isEqualTo(303);
    }

    @Test
    void oneAddressSprayingManyAccountsIsSlowedDown() throws Exception {
        // Forty attempts at once from one address against a bucket of 20 a minute: sent one after the other on a
        // loaded machine, they could spread over a minute and the bucket refill as fast as it drains.
        String address = new FormClient(server).address();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.Callable<Integer> attempt = () -> new FormClient(server, address).signIn(Api.newMemberNumber(), "Printemps2024!").statusCode();
            var answers = pool.invokeAll(java.util.Collections.nCopies(40, attempt));
            long limited = 0;
            for (var answer : answers) {
                limited += answer.get() == 429 ? 1 : 0;
            }
            assertThat(limited).isGreaterThan(0);
        } finally {
            pool.shutdown();
        }
        // Another address is not affected.
        assertThat(new FormClient(server).signIn(Api.newMemberNumber(), "Printemps2024!").statusCode()).isEqualTo(200);
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        String number = newMember(Api.newNir());
        FormClient browser = new FormClient(server);
        browser.signIn(number, PASSWORD);
        HttpCookie session = browser.cookie("rempart_session").orElseThrow();
        String csrf = browser.get("/account").body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
        assertThat(browser.post("/signout", Map.of(), csrf).statusCode()).isEqualTo(303);
        FormClient replay = new FormClient(server);
        replay.addCookie(session);
        HttpResponse<String> r = replay.get("/account");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin"));
    }

    @Test
    void aPostWithoutCsrfTokenOrFromAnotherSiteIsRefusedAndDoesNothing() {
        String number = newMember(Api.newNir());
        FormClient browser = new FormClient(server);
        browser.get("/signin");
        HttpResponse<String> noToken = browser.post("/signin", Map.of("identifier", number, "password", PASSWORD), null);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(browser.cookie("rempart_session")).isEmpty();

        browser.get("/signin");
        String token = browser.csrf().orElseThrow();
        HttpResponse<String> crossSite = browser.send(HttpRequest.newBuilder(server.uri("/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("identifier=" + number + "&password=x&_csrf=" + token)));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(browser.cookie("rempart_session")).isEmpty();
    }

    @Test
    void aRequiredActionStandsBetweenThePasswordAndAFullSession() {
        String number = Api.newMemberNumber();
        String json = Api.member(number, number.toLowerCase() + "@example.org", PASSWORD).strip();
        json = json.substring(0, json.length() - 1) + ",\"requiredActions\":[\"UPDATE_PASSWORD\"]}";
        assertThat(Api.postJson("/api/v1/members", admin, json).statusCode()).isEqualTo(201);
        FormClient browser = new FormClient(server);
        HttpResponse<String> r = browser.signIn(number, PASSWORD);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/required-actions"));
        String firstSession = browser.cookie("rempart_session").orElseThrow().getValue();
        assertThat(browser.get("/account").headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/required-actions"));
        assertThat(browser.get("/required-actions").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/required-actions/update-password"));

        HttpResponse<String> tooShort = browser.submit("/required-actions/update-password", "/required-actions/update-password",
                Map.of("newPassword", "court", "confirmPassword", "court"));
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(tooShort.body()).contains("id=\"newPassword-error\"").contains("aria-invalid=\"true\"");

        HttpResponse<String> done = browser.submit("/required-actions/update-password", "/required-actions/update-password",
                Map.of("newPassword", "un nouveau mot de passe solide", "confirmPassword", "un nouveau mot de passe solide"));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/account"));
        assertThat(browser.cookie("rempart_session").orElseThrow().getValue()).isNotEqualTo(firstSession);
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        assertThat(new FormClient(server).signIn(number, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(new FormClient(server).signIn(number, "un nouveau mot de passe solide").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/account"));
    }
}
