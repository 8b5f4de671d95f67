package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff sign-in over HTTP, against the demo staff the test server loads ({@code rempart.demo=true}),
 * with codes from Debian's oathtool: password then code, each code once, the same answer for an
 * unknown name and a wrong password, the return path, and an account created through the admin API
 * that must enrol its second factor and replace its password at the first sign-in.
 */
class StaffSignInIT {

    // The demo staff (DemoStaff): known passwords and fixed secrets, printed at start-up.
    static final String AGENT_PASSWORD = "guichet-violette-ardoise-31";
    static final String AGENT_SECRET = "KRSXG5CTMVRXEZLUNBUW4ZZAGEZDGNBV";
    static final String SUPERVISOR_PASSWORD = "balise-cobalt-marelle-58";
    static final String SUPERVISOR_SECRET = "ONUXA2LSMVZXI2LPNYQGC3DQNBQWEZLU";
    private static final String ADMIN_PASSWORD = "sureau-boussole-lagune-77";
    private static final String NEW_PASSWORD = "une phrase de passe vraiment longue";
    private static final Pattern KEY = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>");
    private static final Map<String, Long> LAST_STEP = new HashMap<>();
    private static final AtomicLong NAMES = new AtomicLong(System.currentTimeMillis() % 1_000_000);

    private final RempartServer server = RempartServer.get();

    /**
     * A code no earlier sign-in of this test run used: the current time step, or a later one within
     * the ±1 step the server accepts, waiting for the clock when those are used up.
     */
    static synchronized String freshCode(String secret) {
        long now = Instant.now().getEpochSecond() / 30;
        long step = Math.max(now, LAST_STEP.getOrDefault(secret, Long.MIN_VALUE) + 1);
        while (step > Instant.now().getEpochSecond() / 30 + 1) {
            try {
                Thread.sleep(1_000); // TOTP steps follow the real clock the server reads: wait for the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        LAST_STEP.put(secret, step);
        return TotpIT.oathtool(secret, step * 30);
    }

    private static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    static HttpResponse<String> signIn(FormClient browser, String username, String password) {
        return browser.submit("/staff/signin", "/staff/signin", Map.of("username", username, "password", password));
    }

    static HttpResponse<String> code(FormClient browser, String code) {
        return browser.submit("/staff/signin/code", "/staff/signin/code", Map.of("code", code));
    }

    @Test
    void demoStaffSignInWithPasswordThenCodeAndEachCodeWorksOnce() {
        FormClient browser = new FormClient(server);
        HttpResponse<String> password = signIn(browser, "agent", AGENT_PASSWORD);
        assertThat(password.statusCode()).isEqualTo(303);
        assertThat(location(password)).endsWith("/staff/signin/code");
        String cookie = password.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("rempart_staff=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");

        // The password alone opens nothing.
        assertThat(location(browser.get("/staff"))).endsWith("/staff/signin/code");
        assertThat(browser.get("/staff/signin/code").body()).contains("name=\"code\"").contains("autocomplete=\"one-time-code\"");

        String first = freshCode(AGENT_SECRET);
        HttpResponse<String> accepted = code(browser, first.substring(0, 3) + " " + first.substring(3));
        assertThat(location(accepted)).as(accepted.body()).endsWith("/staff");
        HttpResponse<String> home = browser.get("/staff");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Agent Démo").contains("id=\"staff-username\">agent<").contains("data-group=\"helpdesk-agent\"")
                .contains("id=\"staff-factors\">pwd, otp<").doesNotContain("<script>");
        assertThat(home.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));

        // The same code from another browser, even with the right password: refused.
        FormClient replayer = new FormClient(server);
        assertThat(location(signIn(replayer, "agent", AGENT_PASSWORD))).endsWith("/staff/signin/code");
        HttpResponse<String> replay = code(replayer, first);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("déjà été utilisé");
        assertThat(replayer.get("/staff").statusCode()).isEqualTo(303);
        HttpResponse<String> malformed = code(replayer, "12a45");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("6 chiffres").contains("aria-invalid=\"true\"");

        // Signing out ends the session on the server, not only the cookie.
        HttpCookie staffCookie = browser.cookie("rempart_staff").orElseThrow();
        HttpResponse<String> out = browser.post("/staff/signout", Map.of(), csrfOf(browser.get("/staff").body()));
        assertThat(location(out)).endsWith("/staff/signin?signedOut");
        FormClient thief = new FormClient(server);
        thief.addCookie(staffCookie);
        assertThat(location(thief.get("/staff"))).endsWith("/staff/signin");
    }

    @Test
    void anUnknownNameAndAWrongPasswordGetTheSameAnswer() {
        String unknown = page(signIn(new FormClient(server), "nobody-" + NAMES.incrementAndGet(), "whatever it is today"));
        String wrong = page(signIn(new FormClient(server), "admin", "not the right password"));
        assertThat(wrong).isEqualTo(unknown).contains("Identifiant ou mot de passe incorrect");
        // The right password afterwards still works (and clears the counter).
        assertThat(location(signIn(new FormClient(server), "admin", ADMIN_PASSWORD))).endsWith("/staff/signin/code");
    }

    @Test
    void aCompletedSignInGoesBackToTheReturnPathOnce() {
        FormClient browser = new FormClient(server);
        HttpCookie back = new HttpCookie("rempart_return", "/authorize?client_id=console&state=xyz");
        back.setPath("/");
        back.setVersion(0);
        back.setDomain(server.uri("/").getHost()); // as the cookie store records a cookie the server set, so that its clearing replaces it
        browser.addCookie(back);
        assertThat(location(signIn(browser, "supervisor", SUPERVISOR_PASSWORD))).endsWith("/staff/signin/code");
        HttpResponse<String> done = code(browser, freshCode(SUPERVISOR_SECRET));
        assertThat(location(done)).endsWith("/authorize?client_id=console&state=xyz");
        assertThat(done.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("rempart_return=").contains("Max-Age=0"));
        assertThat(browser.cookie("rempart_return")).isEmpty();
        // Already signed in, the sign-in page goes straight home; the supervisor holds both helpdesk groups.
        assertThat(location(browser.get("/staff/signin"))).endsWith("/staff");
        assertThat(browser.get("/staff").body()).contains("data-group=\"helpdesk-agent\"").contains("data-group=\"helpdesk-supervisor\"");
    }

    @Test
    void theAdminApiCreatesStaffWhoMustEnrolAndChooseTheirPasswordAtTheFirstSignIn() {
        String username = "it.agent" + NAMES.incrementAndGet();
        String json = "{\"username\":\"%s\",\"displayName\":\"Élodie Bernard\",\"email\":\"%s@mutuelle.example\",\"groups\":[\"helpdesk-agent\"]}"
                .formatted(username, username);
        assertThat(Api.postJson("/api/v1/staff", null, json).statusCode()).isEqualTo(401);
        assertThat(Api.postJson("/api/v1/staff", server.token("helpdesk-supervisor"), json).statusCode()).isEqualTo(403);
        HttpResponse<String> invalid = Api.postJson("/api/v1/staff", server.token("security-admin"),
                "{\"username\":\"9\",\"displayName\":\"X\",\"email\":\"x@mutuelle.example\",\"groups\":[\"root\"]}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(invalid.body()).contains("\"field\":\"username\"").contains("\"field\":\"groups\"");

        HttpResponse<String> created = Api.postJson("/api/v1/staff", server.token("security-admin"), json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject body = Api.json(created);
        assertThat(body.getString("id")).hasSize(36);
        assertThat(body.getString("username")).isEqualTo(username);
        String initial = body.getString("initialPassword");
        assertThat(initial).hasSize(23);
        HttpResponse<String> duplicate = Api.postJson("/api/v1/staff", server.token("security-admin"), json.replace(username + "\"", username.toUpperCase() + "\""));
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));

        // First sign-in: the second factor must be enrolled; no page lets the session past it.
        FormClient browser = new FormClient(server);
        assertThat(location(signIn(browser, username, initial))).endsWith("/staff/signin/enrol");
        assertThat(location(browser.get("/staff"))).endsWith("/staff/signin/enrol");
        assertThat(location(browser.get("/staff/signin/code"))).endsWith("/staff/signin/enrol");
        assertThat(location(browser.get("/staff/signin/password"))).endsWith("/staff/signin/enrol");
        HttpResponse<String> enrolPage = browser.get("/staff/signin/enrol");
        assertThat(enrolPage.body()).contains("otpauth://totp/").contains("data:image/png;base64,").contains("obligatoire pour le personnel");
        Matcher key = KEY.matcher(enrolPage.body());
        assertThat(key.find()).isTrue();
        String secret = key.group(1).replace(" ", "");
        assertThat(browser.post("/staff/signin/enrol", Map.of("code", "000000"), browser.csrf().orElseThrow()).statusCode()).isEqualTo(400);
        HttpResponse<String> enrolled = browser.post("/staff/signin/enrol", Map.of("code", freshCode(secret)), browser.csrf().orElseThrow());
        assertThat(location(enrolled)).as(enrolled.body()).endsWith("/staff/signin/password");

        // Then a password of their own, checked by the policy; the administrator's one stops working.
        assertThat(location(browser.get("/staff"))).endsWith("/staff/signin/password");
        HttpResponse<String> weak = browser.submit("/staff/signin/password", "/staff/signin/password",
                Map.of("newPassword", "motdepasse", "confirmPassword", "motdepasse"));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("id=\"newPassword-error\"").contains("aria-invalid=\"true\"");
        HttpResponse<String> chosen = browser.submit("/staff/signin/password", "/staff/signin/password",
                Map.of("newPassword", NEW_PASSWORD, "confirmPassword", NEW_PASSWORD));
        assertThat(location(chosen)).as(chosen.body()).endsWith("/staff");
        assertThat(browser.get("/staff").body()).contains("Élodie Bernard").contains("pwd, otp");

        assertThat(signIn(new FormClient(server), username, initial).statusCode()).isEqualTo(200);
        FormClient again = new FormClient(server);
        assertThat(location(signIn(again, username, NEW_PASSWORD))).endsWith("/staff/signin/code");
        assertThat(location(code(again, freshCode(secret)))).endsWith("/staff");
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefused() {
        FormClient browser = new FormClient(server);
        String token = browser.get("/staff/signin").body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> noToken = browser.post("/staff/signin", Map.of("username", "agent", "password", AGENT_PASSWORD), null);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(browser.cookie("rempart_staff")).isEmpty();
        HttpResponse<String> crossSite = browser.send(HttpRequest.newBuilder(server.uri("/staff/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString("username=agent&password=x&_csrf=" + token)));
        assertThat(crossSite.statusCode()).isEqualTo(403);
    }

    @Test
    void aMembersSessionIsNoStaffSession() {
        String number = Api.newMemberNumber();
        String password = "une phrase de passe assez longue";
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"),
                Api.member(number, number.toLowerCase() + "@example.org", password)).statusCode()).isEqualTo(201);
        FormClient member = new FormClient(server);
        assertThat(location(member.signIn(number, password))).endsWith("/account");
        assertThat(location(member.get("/staff"))).endsWith("/staff/signin");
        // The staff sign-in page is served, with its own form, to a member's browser too.
        assertThat(member.get("/staff/signin").body()).contains("action=\"/staff/signin\"").contains("name=\"username\"");
    }

    private static String csrfOf(String page) {
        return page.replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
    }

    /** The page without its per-request CSRF token. */
    private static String page(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().replaceAll("value=\"[^\"]*\"", "value=\"\"");
    }
}
