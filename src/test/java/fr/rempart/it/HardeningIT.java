package fr.rempart.it;

import com.nimbusds.jwt.SignedJWT;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, written as the attack: someone holding the leaked facts and the member's password (phished,
 * or reused from another leak) signs in beside the member, with a cookie jar of their own, and tries to
 * finish the hardening, to keep a second factor of their own, to make a link from another site change
 * the account, and to learn the member's passwords from the strength check.
 */
class HardeningIT {

    private static final String PASSWORD = HelpdeskIT.PASSWORD;
    private static final String CHOSEN = "une phrase de passe choisie par l'adhérente";
    private static final Pattern PROOF_CODE = Pattern.compile("terminer la protection de votre compte[^:]*: (\\d{4} \\d{4})");
    private static final Pattern KEY = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>");
    private static final URI CALLBACK = URI.create("https://portail.example/cb");
    private final RempartServer server = RempartServer.get();

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    /** A sign-in refused: the form again, with its one message for every failure. */
    private static boolean refused(HttpResponse<String> signIn) {
        return signIn.statusCode() == 200 && signIn.headers().firstValue("Location").isEmpty() && signIn.body().contains("id=\"signin-error\"");
    }

    /** The hardening codes sent to this address so far. */
    static Set<String> proofCodes(String email) throws Exception {
        Set<String> codes = new HashSet<>();
        for (String mail : Mailbox.all(RempartServer.get(), email, "terminer la protection")) {
            Matcher m = PROOF_CODE.matcher(mail);
            while (m.find()) {
                codes.add(m.group(1));
            }
        }
        return codes;
    }

    /** The code that arrives after {@code before}: the one the last request sent. */
    static String newProofCode(String email, Set<String> before) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            Set<String> now = proofCodes(email);
            now.removeAll(before);
            if (!now.isEmpty()) {
                return now.iterator().next();
            }
            Thread.sleep(200); // the server (another process) works in the background: poll
        }
        throw new AssertionError("No hardening code for " + email);
    }

    /** Asks the proof page for an e-mail code in this browser and types it; returns where the browser goes next. */
    static String prove(FormClient browser, String email) throws Exception {
        Set<String> before = proofCodes(email);
        HttpResponse<String> sent = browser.submit("/signin/proof", "/signin/proof", Map.of("send", "email"));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String code = newProofCode(email, before);
        HttpResponse<String> proven = browser.post("/signin/proof", Map.of("code", code), browser.csrf().orElseThrow());
        assertThat(proven.statusCode()).as(proven.body()).isEqualTo(303);
        return location(proven);
    }

    private JsonObject security(HelpdeskIT.Member member) {
        HttpResponse<String> read = Api.get("/api/v1/members/" + member.number() + "/security", server.token("helpdesk-agent"));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return Api.json(read);
    }

    /** Enrols an authenticator from the account page in this full session; returns its secret. */
    private static String enrolFromAccount(FormClient browser) {
        Matcher key = KEY.matcher(browser.get("/security/totp").body());
        assertThat(key.find()).isTrue();
        String secret = key.group(1).replace(" ", "");
        assertThat(browser.post("/security/totp", Map.of("code", code(secret, 0)), browser.csrf().orElseThrow()).statusCode()).isEqualTo(200);
        return secret;
    }

    private static String code(String secret, long offsetSteps) {
        return TotpIT.oathtool(secret, Instant.now().getEpochSecond() + 30 * offsetSteps);
    }

    @Test
    void aSecondSessionHoldingThePasswordCannotFinishAFlaggedMembersHardening() throws Exception {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        HelpdeskIT.flag(member);
        assertThat(security(member).getBoolean("hardeningProofPending")).isTrue();

        FormClient attacker = new FormClient(server);
        assertThat(location(attacker.signIn(member.number(), PASSWORD))).endsWith("/required-actions");
        assertThat(location(attacker.get("/required-actions"))).endsWith("/signin/proof");
        assertThat(location(attacker.get("/required-actions/update-password"))).endsWith("/signin/proof");
        HttpResponse<String> enrolment = attacker.get("/required-actions/configure-totp");
        assertThat(location(enrolment)).endsWith("/signin/proof");
        assertThat(enrolment.body()).doesNotContain("totp-key");
        // The forms posted anyway change nothing.
        HttpResponse<String> proofPage = attacker.get("/signin/proof");
        assertThat(proofPage.statusCode()).isEqualTo(200);
        assertThat(proofPage.body()).contains("<label for=\"code\">").contains(member.email().charAt(0) + "***@example.org")
                .doesNotContain(member.email());
        String csrf = attacker.csrf().orElseThrow();
        assertThat(location(attacker.post("/required-actions/update-password", Map.of("newPassword", "le mot de passe du fraudeur 2026",
                "confirmPassword", "le mot de passe du fraudeur 2026"), csrf))).endsWith("/signin/proof");
        assertThat(location(attacker.post("/required-actions/configure-totp", Map.of("code", "123456"), csrf))).endsWith("/signin/proof");
        // Guesses are refused with a message tied to the field; nothing is proven.
        HttpResponse<String> guess = attacker.post("/signin/proof", Map.of("code", "1234 5678"), csrf);
        assertThat(guess.statusCode()).isEqualTo(400);
        assertThat(guess.body()).contains("aria-invalid=\"true\"").contains("aria-describedby=\"code-hint code-error\"");
        assertThat(attacker.post("/signin/proof", Map.of("code", "ABCD-EFGH-JKLM"), csrf).statusCode()).isEqualTo(400);
        HttpResponse<String> script = attacker.post("/signin/proof", Map.of("code", "<script>alert(1)</script>"), csrf);
        assertThat(script.statusCode()).isEqualTo(400);
        assertThat(script.body()).doesNotContain("<script>alert(1)</script>");

        // The attacker can ask for a code: it goes to the member's mailbox, never to the page.
        Set<String> before = proofCodes(member.email());
        HttpResponse<String> asked = attacker.post("/signin/proof", Map.of("send", "email"), csrf);
        assertThat(asked.statusCode()).isEqualTo(200);
        String attackersCode = newProofCode(member.email(), before);
        assertThat(asked.body()).doesNotContain(attackersCode);
        assertThat(Mailbox.all(server, member.email(), attackersCode).get(0)).contains("Ne le donnez à personne");

        // The member signs in too and asks for a code of her own.
        FormClient victim = new FormClient(server);
        assertThat(location(victim.signIn(member.number(), PASSWORD))).endsWith("/required-actions");
        before.add(attackersCode);
        assertThat(victim.submit("/signin/proof", "/signin/proof", Map.of("send", "email")).statusCode()).isEqualTo(200);
        String victimsCode = newProofCode(member.email(), before);
        // Phished from her, that code is worth nothing in the attacker's window: it belongs to the session that asked for it.
        assertThat(attacker.post("/signin/proof", Map.of("code", victimsCode), csrf).statusCode()).isEqualTo(400);
        HttpResponse<String> proven = victim.post("/signin/proof", Map.of("code", victimsCode), victim.csrf().orElseThrow());
        assertThat(location(proven)).endsWith("/required-actions/update-password");
        // The proof ended every other session: the attacker is out, and back at the proof after signing in again.
        assertThat(location(attacker.get("/required-actions"))).endsWith("/signin");
        FormClient again = new FormClient(server);
        assertThat(location(again.signIn(member.number(), PASSWORD))).endsWith("/required-actions");
        assertThat(location(again.get("/required-actions/update-password"))).endsWith("/signin/proof");

        // The member finishes: her own password, her own authenticator.
        assertThat(location(victim.submit("/required-actions/update-password", "/required-actions/update-password",
                Map.of("newPassword", CHOSEN, "confirmPassword", CHOSEN)))).endsWith("/required-actions/configure-totp");
        Matcher key = KEY.matcher(victim.get("/required-actions/configure-totp").body());
        assertThat(key.find()).isTrue();
        String secret = key.group(1).replace(" ", "");
        assertThat(victim.post("/required-actions/configure-totp", Map.of("code", code(secret, 0)), victim.csrf().orElseThrow()).statusCode())
                .isEqualTo(200);
        assertThat(location(victim.post("/required-actions/configure-totp", Map.of("acknowledged", "true"), victim.csrf().orElseThrow())))
                .endsWith("/account");
        assertThat(victim.get("/account").statusCode()).isEqualTo(200);
        assertThat(location(again.get("/required-actions"))).as("the attacker's second session ended with the password change").endsWith("/signin");
        assertThat(refused(new FormClient(server).signIn(member.number(), PASSWORD))).as("the old password").isTrue();

        JsonObject state = security(member);
        assertThat(state.getBoolean("hardeningProofPending")).isFalse();
        assertThat(state.getJsonArray("requiredActions")).isEmpty();
        assertThat(state.getJsonArray("timeline").stream().map(e -> e.asJsonObject().getString("type")))
                .contains("hardening.code-sent", "hardening.code-failed", "hardening.proven", "hardening.completed", "totp.enrolled");
        // Relying parties now see the account as safe.
        assertThat(accountSecurity(victim)).containsEntry("at_risk", false).containsEntry("hardening_proof_pending", false)
                .containsEntry("password_reset_done", true).containsEntry("second_factor_enrolled", true);
    }

    @Test
    void aMemberWithoutEmailFinishesWithTheActivationCodePrintedInHerLetter() throws Exception {
        String number = Api.newMemberNumber();
        String nir = Api.newNir();
        String lastName = "Courrier" + Long.toString(System.nanoTime() % 1_000_000_000L, 26).chars()
                .mapToObj(c -> String.valueOf((char) (Character.isDigit(c) ? 'a' + c - '0' : c + 10))).collect(java.util.stream.Collectors.joining());
        HttpResponse<String> created = Api.postJson("/api/v1/members", server.token("security-admin"), """
                {"memberNumber":"%s","nir":"%s","lastName":"%s","firstName":"Claire","birthDate":"12/05/1984","sex":"F",
                 "address":{"line1":"3 place du Marché","postcode":"69003","city":"Lyon"},"passwordHash":"%s"}"""
                .formatted(number, nir, lastName, Api.hash(PASSWORD)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HelpdeskIT.Member member = new HelpdeskIT.Member(number, nir, lastName, null, null);
        String incident = HelpdeskIT.flag(member);
        String admin = server.token("security-admin");
        HttpResponse<String> print = Api.postJson("/api/v1/incidents/" + incident + "/letter-batches", admin, "{}");
        assertThat(print.statusCode()).as(print.body()).isIn(201, 204);
        JsonObject batch = Api.jsonArray(Api.get("/api/v1/incidents/" + incident + "/letter-batches", admin)).getJsonObject(0);
        HttpResponse<byte[]> pdf = Api.sendBytes(HttpRequest.newBuilder(server.uri(batch.getString("pdf"))).header("Authorization", "Bearer " + admin));
        String letter;
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
            letter = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
        }
        Matcher activation = Pattern.compile("ACTIVATION\\s*:\\s*([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})").matcher(letter);
        assertThat(activation.find()).as(letter).isTrue();

        // Someone holding the password signs in first: without the letter, nothing; and no e-mail to ask a code from.
        FormClient attacker = new FormClient(server);
        attacker.signIn(number, PASSWORD);
        HttpResponse<String> proof = attacker.get("/signin/proof");
        assertThat(proof.body()).doesNotContain("name=\"send\"").contains("imprimé sur le courrier");
        assertThat(attacker.post("/signin/proof", Map.of("send", "email"), attacker.csrf().orElseThrow()).statusCode()).isEqualTo(400);
        // The member, letter in hand.
        FormClient victim = new FormClient(server);
        victim.signIn(number, PASSWORD);
        victim.get("/signin/proof");
        HttpResponse<String> proven = victim.post("/signin/proof", Map.of("code", activation.group(1).toLowerCase()), victim.csrf().orElseThrow());
        assertThat(location(proven)).endsWith("/required-actions/update-password");
        // Single use: the same code read over her shoulder opens nothing more.
        FormClient reader = new FormClient(server);
        reader.signIn(number, PASSWORD);
        reader.get("/signin/proof");
        assertThat(reader.post("/signin/proof", Map.of("code", activation.group(1)), reader.csrf().orElseThrow()).statusCode()).isEqualTo(400);
        assertThat(location(victim.submit("/required-actions/update-password", "/required-actions/update-password",
                Map.of("newPassword", CHOSEN, "confirmPassword", CHOSEN)))).endsWith("/required-actions/configure-totp");
    }

    @Test
    void twoSessionsOfTheSameMemberNeverSeeTheSamePendingSecretAndEnrollingEndsTheOther() throws Exception {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        FormClient victim = new FormClient(server);
        FormClient attacker = new FormClient(server);
        victim.signIn(member.number(), PASSWORD);
        attacker.signIn(member.number(), PASSWORD);
        Matcher shown = KEY.matcher(victim.get("/security/totp").body());
        Matcher other = KEY.matcher(attacker.get("/security/totp").body());
        assertThat(shown.find()).isTrue();
        assertThat(other.find()).isTrue();
        String secret = shown.group(1).replace(" ", "");
        assertThat(other.group(1).replace(" ", "")).isNotEqualTo(secret);
        Matcher reloaded = KEY.matcher(victim.get("/security/totp").body());
        assertThat(reloaded.find() && reloaded.group(1).replace(" ", "").equals(secret)).as("the same page reloaded").isTrue();
        // The victim's secret confirmed from the attacker's window enrols nothing.
        HttpResponse<String> foreign = attacker.post("/security/totp", Map.of("code", code(secret, 0)), attacker.csrf().orElseThrow());
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(victim.post("/security/totp", Map.of("code", code(secret, 0)), victim.csrf().orElseThrow()).statusCode()).isEqualTo(200);
        // A credential change: the other session ended, the member told by e-mail, the audit trail and the timeline record it.
        assertThat(location(attacker.get("/account"))).endsWith("/signin");
        assertThat(victim.get("/account").statusCode()).isEqualTo(200);
        assertThat(Mailbox.await(server, member.email(), "vérification en deux étapes a été ajoutée")).contains("Les autres connexions");
        assertThat(security(member).getJsonArray("timeline").stream().map(e -> e.asJsonObject().getString("type"))).contains("totp.enrolled");
    }

    @Test
    void theMemberGetsTheAccountBackAfterAnAttackersEnrolment() throws Exception {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        // Before the breach is known, the attacker signs in with the reused password and enrols an authenticator of their own.
        FormClient attacker = new FormClient(server);
        attacker.signIn(member.number(), PASSWORD);
        String attackers = enrolFromAccount(attacker);
        assertThat(Mailbox.await(server, member.email(), "vérification en deux étapes a été ajoutée")).contains("Si ce n'est pas vous");
        HelpdeskIT.flag(member);
        // The member cannot get past the attacker's factor, and calls. The agent proves her by a code sent to her e-mail.
        String agent = server.token("helpdesk-agent");
        Set<String> earlier = HelpdeskIT.codes(member);
        HttpResponse<String> started = Api.postJson("/api/v1/members/" + member.number() + "/verifications", agent, "{\"method\":\"email\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String verification = Api.json(started).getString("id");
        String helpdeskCode = HelpdeskIT.newCode(member, earlier);
        assertThat(Api.postJson("/api/v1/members/" + member.number() + "/verifications/" + verification, agent,
                "{\"code\":\"" + helpdeskCode + "\"}").statusCode()).isEqualTo(200);
        // Flagged: removing the factor waits for a supervisor.
        HttpResponse<String> requested = Api.postJson("/api/v1/members/" + member.number() + "/actions/reset-totp", agent,
                "{\"reason\":\"appel au 3676 : code inconnu, vérifiée par courriel\",\"verification\":\"" + verification + "\"}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
        String approval = Api.json(requested).getJsonObject("approval").getString("id");
        HttpResponse<String> approved = Api.postJson("/api/v1/approvals/" + approval + "/approve", server.token("helpdesk-supervisor"), "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(security(member).getJsonObject("secondFactor").getBoolean("enrolled")).isFalse();

        // The attacker's factor and sessions are gone; signing in again with the password leads only to the proof.
        assertThat(location(attacker.get("/account"))).endsWith("/signin");
        FormClient back = new FormClient(server);
        assertThat(location(back.signIn(member.number(), PASSWORD))).endsWith("/required-actions");
        assertThat(location(back.get("/required-actions/configure-totp"))).endsWith("/signin/proof");

        // The member proves her mailbox, chooses a password, enrols her own authenticator.
        FormClient victim = new FormClient(server);
        assertThat(location(victim.signIn(member.number(), PASSWORD))).endsWith("/required-actions");
        assertThat(prove(victim, member.email())).endsWith("/required-actions/update-password");
        assertThat(location(back.get("/required-actions"))).endsWith("/signin");
        victim.submit("/required-actions/update-password", "/required-actions/update-password", Map.of("newPassword", CHOSEN, "confirmPassword", CHOSEN));
        Matcher own = KEY.matcher(victim.get("/required-actions/configure-totp").body());
        assertThat(own.find()).isTrue();
        String secret = own.group(1).replace(" ", "");
        assertThat(victim.post("/required-actions/configure-totp", Map.of("code", code(secret, 0)), victim.csrf().orElseThrow()).statusCode()).isEqualTo(200);
        victim.post("/required-actions/configure-totp", Map.of("acknowledged", "true"), victim.csrf().orElseThrow());
        assertThat(victim.get("/account").statusCode()).isEqualTo(200);
        assertThat(security(member).getBoolean("hardeningProofPending")).isFalse();
        // The attacker's authenticator opens nothing: the old password is refused, and the factor is the member's own.
        assertThat(refused(new FormClient(server).signIn(member.number(), PASSWORD))).isTrue();
        FormClient withNewPassword = new FormClient(server);
        assertThat(location(withNewPassword.signIn(member.number(), CHOSEN))).endsWith("/signin/second-factor");
        withNewPassword.get("/signin/second-factor");
        assertThat(withNewPassword.post("/signin/second-factor", Map.of("code", code(attackers, 1)), withNewPassword.csrf().orElseThrow()).statusCode())
                .isEqualTo(400);
    }

    @Test
    void aCrossSiteLinkChangesNothingWithoutAClick() throws Exception {
        String client = "portail-" + System.nanoTime();
        assertThat(Api.postJson("/api/v1/clients", server.token("security-admin"), "{\"clientId\":\"" + client + "\",\"redirectUris\":[\""
                + CALLBACK + "\"],\"grantTypes\":[\"authorization_code\"]}").statusCode()).isEqualTo(201);
        String link = "/oauth2/authorize?response_type=code&client_id=" + client + "&redirect_uri=" + enc(CALLBACK.toString())
                + "&scope=openid&state=s1&nonce=n1&acr_values=" + enc("urn:rempart:acr:mfa");

        // A member without a second factor follows a link from another site asking for one.
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        FormClient browser = new FormClient(server);
        browser.signIn(member.number(), PASSWORD);
        assertThat(location(crossSite(browser, link))).endsWith("/signin/step-up");
        assertThat(browser.get("/account").statusCode()).as("the session is not demoted").isEqualTo(200);
        assertThat(Api.json(Api.get("/api/v1/members/" + member.number(), server.token("security-admin"))).getJsonArray("requiredActions"))
                .as("no required action added").isEmpty();
        assertThat(browser.get("/signin/step-up").body()).contains("name=\"enrol\"").contains("href=\"/account\"");
        // Only the member's click (a form post with its CSRF token) asks for the enrolment.
        assertThat(browser.post("/signin/step-up", Map.of("enrol", "totp"), "forged").statusCode()).isEqualTo(403);
        assertThat(Api.json(Api.get("/api/v1/members/" + member.number(), server.token("security-admin"))).getJsonArray("requiredActions")).isEmpty();
        assertThat(location(browser.submit("/signin/step-up", "/signin/step-up", Map.of("enrol", "totp")))).endsWith("/required-actions");
        assertThat(Api.json(Api.get("/api/v1/members/" + member.number(), server.token("security-admin"))).getJsonArray("requiredActions").toString())
                .contains("CONFIGURE_TOTP");

        // A member with a second factor, in a session opened with the password only: the link asks for the code, nothing else.
        HelpdeskIT.Member enrolled = HelpdeskIT.newMember();
        FormClient owner = new FormClient(server);
        owner.signIn(enrolled.number(), PASSWORD);
        String totp = enrolFromAccount(owner);
        assertThat(location(crossSite(owner, link.replace("s1", "s2")))).endsWith("/signin/step-up");
        assertThat(owner.get("/account").statusCode()).as("still a full session").isEqualTo(200);
        assertThat(owner.get("/signin/step-up").body()).contains("<label for=\"code\">").doesNotContain("name=\"enrol\"");
        String resume = location(owner.post("/signin/step-up", Map.of("code", code(totp, 1)), owner.csrf().orElseThrow()));
        assertThat(resume).contains("/oauth2/authorize/resume");
        HttpResponse<String> back = owner.get(resume.substring(resume.indexOf("/oauth2")));
        assertThat(back.statusCode() == 303 ? location(back) : back.body().replace("&#x3D;", "=")).contains(CALLBACK + "?code=");

        // prompt=login from another site asks the staff member to confirm; the console session stays until then.
        String console = "console-" + System.nanoTime();
        assertThat(Api.postJson("/api/v1/clients", server.token("security-admin"), "{\"clientId\":\"" + console + "\",\"redirectUris\":[\""
                + CALLBACK + "\"],\"grantTypes\":[\"authorization_code\"],\"population\":\"staff\"}").statusCode()).isEqualTo(201);
        FormClient staff = new FormClient(server);
        StaffSignInIT.signIn(staff, "agent", StaffSignInIT.AGENT_PASSWORD);
        StaffSignInIT.code(staff, StaffSignInIT.freshCode(StaffSignInIT.AGENT_SECRET));
        assertThat(staff.get("/staff").statusCode()).isEqualTo(200);
        String relogin = "/oauth2/authorize?response_type=code&client_id=" + console + "&redirect_uri=" + enc(CALLBACK.toString())
                + "&scope=openid&state=s3&nonce=n3&prompt=login";
        assertThat(location(crossSite(staff, relogin))).endsWith("/staff/signin/again");
        assertThat(staff.get("/staff").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(staff.get("/staff/signin/again").body()).contains("action=\"/staff/signin/again\"");
        assertThat(location(staff.post("/staff/signin/again", Map.of(), staff.csrf().orElseThrow()))).endsWith("/staff/signin");
        assertThat(location(staff.get("/staff"))).contains("/staff/signin");
    }

    @Test
    void aSessionAtTheSecondFactorStepGetsNothingFromPasswordChecks() throws Exception {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        FormClient owner = new FormClient(server);
        owner.signIn(member.number(), PASSWORD);
        enrolFromAccount(owner);

        FormClient attacker = new FormClient(server);
        assertThat(location(attacker.signIn(member.number(), PASSWORD))).endsWith("/signin/second-factor");
        JsonObject halfway = check(attacker, PASSWORD);
        assertThat(halfway.toString()).doesNotContain("SAME_AS_CURRENT").doesNotContain("HISTORY_VIOLATION");

        // A full session learns it, but each such answer counts as a failed sign-in of the member.
        assertThat(check(owner, PASSWORD).toString()).contains("SAME_AS_CURRENT");
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> probe = checkResponse(owner, PASSWORD);
            if (probe.statusCode() == 429) {
                refused++;
                assertThat(probe.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(probe.body()).doesNotContain("SAME_AS_CURRENT");
            }
        }
        assertThat(refused).as("repeated probes of the current password lock").isPositive();
        assertThat(refused(new FormClient(server).signIn(member.number(), PASSWORD))).as("like failed sign-ins").isTrue();
        assertThat(security(member).getBoolean("locked")).isTrue();
    }

    private JsonObject check(FormClient browser, String password) {
        HttpResponse<String> r = checkResponse(browser, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Api.json(r);
    }

    private HttpResponse<String> checkResponse(FormClient browser, String password) {
        return browser.send(HttpRequest.newBuilder(server.uri("/api/v1/password-checks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")));
    }

    /** A top-level navigation from another site, as the browser labels it (Fetch Metadata). */
    private HttpResponse<String> crossSite(FormClient browser, String path) {
        return browser.send(HttpRequest.newBuilder(server.uri(path)).header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "navigate")
                .GET());
    }

    /** The {@code account_security} claim a relying party gets for this browser's session, through the code flow. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> accountSecurity(FormClient browser) throws Exception {
        String client = "portail-" + System.nanoTime();
        HttpResponse<String> registered = Api.postJson("/api/v1/clients", server.token("security-admin"), "{\"clientId\":\"" + client
                + "\",\"redirectUris\":[\"" + CALLBACK + "\"],\"grantTypes\":[\"authorization_code\"]}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String secret = Api.json(registered).getString("clientSecret");
        HttpResponse<String> authorized = browser.get("/oauth2/authorize?response_type=code&client_id=" + client + "&redirect_uri="
                + enc(CALLBACK.toString()) + "&scope=openid&state=st&nonce=no");
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location(authorized));
        assertThat(code.find()).as(location(authorized)).isTrue();
        HttpResponse<String> tokens = Api.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + code.group(1) + "&redirect_uri=" + enc(CALLBACK.toString()))));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return (Map<String, Object>) SignedJWT.parse(Api.json(tokens).getString("id_token")).getJWTClaimsSet().getJSONObjectClaim("account_security");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
