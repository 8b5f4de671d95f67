package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The helpdesk abused from inside (issue 15, point 1): an application vouching for a face-to-face
 * check, one person approving their own request by coming in two ways, an agent harvesting members
 * through searches and reads, the contact details that did not leak read off the API.
 */
class HelpdeskAbuseIT {

    private static final Random RANDOM = new Random();
    private static final Pattern VERIFICATION = Pattern.compile("name=\"verification\" value=\"([^\"]+)\"");
    private final RempartServer server = RempartServer.get();

    private static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    private static String name(String prefix) {
        return prefix + Integer.toString(RANDOM.nextInt(Integer.MAX_VALUE), 36);
    }

    /** Signs a person of the directory in on the staff console, through the external identity provider. */
    private FormClient console(FakeIdentityProvider.Person person) {
        FormClient browser = new FormClient(server);
        server.identityProvider().signInNext(person);
        HttpResponse<String> start = browser.get("/staff/signin/external");
        HttpResponse<String> back = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(location(start))).GET());
        HttpResponse<String> done = browser.get(location(back).substring(server.baseUrl().length()));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        return browser;
    }

    private String application(String group) {
        String id = name("it-app-");
        return server.token(server.claims(group).subject(id).claim("client_id", id).build());
    }

    private String agent(String group) {
        return server.token(server.claims(group).subject(name("it-abuse-")).build());
    }

    private static String inPerson(HelpdeskIT.Member member, String token) {
        HttpResponse<String> proof = Api.postJson("/api/v1/members/" + member.number() + "/verifications", token,
                "{\"method\":\"in-person\",\"checked\":\"carte nationale d'identité\"}");
        assertThat(proof.statusCode()).as(proof.body()).isEqualTo(201);
        return Api.json(proof).getString("id");
    }

    private List<String> audit(String actor, String action) throws Exception {
        List<String> rows = new ArrayList<>();
        try (var db = server.database(); var s = db.prepareStatement("select subject, reason, detail from audit_event where actor = ? and action = ? "
                + "order by seq")) {
            s.setString(1, actor);
            s.setString(2, action);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " | " + r.getString(2) + " | " + r.getString(3));
                }
            }
        }
        return rows;
    }

    @Test
    void anApplicationCannotVouchForAFaceToFaceCheckAndAFaceToFaceCheckNeverResetsASecondFactorAlone() {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        String app = application("helpdesk-agent");
        HttpResponse<String> forged = Api.postJson("/api/v1/members/" + member.number() + "/verifications", app,
                "{\"method\":\"in-person\",\"checked\":\"passeport\"}");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(forged.body()).contains("application");
        // Nothing was recorded: the member's timeline has no face-to-face check, and no mail told them of one.
        String agent = agent("helpdesk-agent");
        assertThat(Api.json(Api.get("/api/v1/members/" + member.number() + "/security", agent)).getJsonArray("timeline").stream()
                .map(e -> e.asJsonObject().getString("type"))).doesNotContain("helpdesk.verified-in-person");

        // A person's face-to-face check, on an account no breach flagged: the reset still waits for a second person.
        String proof = inPerson(member, agent);
        HttpResponse<String> reset = Api.postJson("/api/v1/members/" + member.number() + "/actions/reset-totp", agent,
                "{\"reason\":\"téléphone perdu\",\"verification\":\"" + proof + "\"}");
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(202);
        assertThat(Api.json(reset).getJsonObject("approval").getString("status")).isEqualTo("PENDING");
    }

    @Test
    void onePersonComingInThroughTheConsoleAndThroughTheDirectorysTokenCannotApproveTheirOwnRequest() throws Exception {
        String username = name("ext.sup.");
        String subject = "sub-" + username;
        FormClient browser = console(new FakeIdentityProvider.Person(subject, username, username + "@mutuelle.example",
                List.of("helpdesk-supervisor"), List.of("pwd", "otp", "mfa")));
        String token = server.identityProvider().accessToken(subject, List.of("helpdesk-supervisor"));
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        HelpdeskIT.flag(member);
        String page = "/staff/helpdesk/members/" + member.number();

        // Asked on the console...
        assertThat(browser.submit(page, page + "/verifications", Map.of("method", "in-person", "checked", "passeport")).statusCode()).isEqualTo(303);
        Matcher verification = VERIFICATION.matcher(browser.get(page).body());
        assertThat(verification.find()).isTrue();
        HttpResponse<String> asked = browser.submit(page, page + "/actions/reset-totp", Map.of("reason", "téléphone perdu",
                "verification", verification.group(1)));
        assertThat(location(asked)).endsWith("?pending=reset-totp");
        String fromConsole = pending(member, token);

        // ...then approved with the directory's token of the same person: refused, nothing done.
        HttpResponse<String> self = Api.postJson("/api/v1/approvals/" + fromConsole + "/approve", token, "{}");
        assertThat(self.statusCode()).isEqualTo(403);
        assertThat(self.body()).contains("autre personne");
        assertThat(browser.submit("/staff/helpdesk/approvals", "/staff/helpdesk/approvals/" + fromConsole + "/approve", Map.of()).statusCode())
                .isEqualTo(403);

        // The other way round: asked with the token, approved on the console.
        HttpResponse<String> byToken = Api.postJson("/api/v1/members/" + member.number() + "/actions/reset-totp", token,
                "{\"reason\":\"téléphone perdu\",\"verification\":\"" + inPerson(member, token) + "\"}");
        assertThat(byToken.statusCode()).as(byToken.body()).isEqualTo(202);
        String fromToken = Api.json(byToken).getJsonObject("approval").getString("id");
        assertThat(browser.submit("/staff/helpdesk/approvals", "/staff/helpdesk/approvals/" + fromToken + "/approve", Map.of()).statusCode())
                .isEqualTo(403);
        JsonObject state = Api.json(Api.get("/api/v1/members/" + member.number() + "/security", token));
        assertThat(state.getJsonArray("approvals").stream().map(a -> a.asJsonObject().getString("status"))).containsOnly("PENDING");
        assertThat(state.getJsonArray("timeline").stream().map(e -> e.asJsonObject().getString("type"))).doesNotContain("helpdesk.reset-totp");

        // Another person approves.
        HttpResponse<String> approved = Api.postJson("/api/v1/approvals/" + fromToken + "/approve", agent("helpdesk-supervisor"), "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        if (server.postgresql()) {
            // One person, one name in the audit trail and one hourly limit, whichever way they came in.
            assertThat(audit("staff:" + username, "helpdesk.approval-requested")).hasSize(2);
            assertThat(audit("staff:" + username, "helpdesk.verified-in-person")).hasSize(2);
        }
    }

    private String pending(HelpdeskIT.Member member, String supervisor) {
        return Api.json(Api.get("/api/v1/approvals", supervisor)).getJsonArray("pending").stream().map(JsonObject.class::cast)
                .filter(a -> a.getString("memberNumber").equals(member.number())).map(a -> a.getString("id")).findFirst().orElseThrow();
    }

    @Test
    void anAgentHarvestingMembersThroughSearchesAndReadsIsAuditedAndStoppedByTheHourlyLimit() throws Exception {
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        String subject = name("it-harvest-");
        String agent = server.token(server.claims("helpdesk-agent").subject(subject).build());
        String byNir = "/api/v1/members?q=" + URLEncoder.encode(member.nir(), StandardCharsets.UTF_8);

        // A reason too long is bad input: refused, not counted.
        HttpResponse<String> tooLong = Api.get(byNir + "&reason=" + "x".repeat(501), agent);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("\"field\":\"reason\"");

        HttpResponse<String> found = Api.get(byNir + "&reason=" + URLEncoder.encode("appel du 3676", StandardCharsets.UTF_8), agent);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(Api.jsonArray(found)).hasSize(1);
        assertThat(Api.get("/api/v1/members/" + member.number(), agent).statusCode()).isEqualTo(200);
        // The same member read again within the hour (the page after each action of a call) counts once.
        assertThat(Api.get("/api/v1/members/" + member.number() + "/security", agent).statusCode()).isEqualTo(200);
        if (server.postgresql()) {
            List<String> searches = audit("token:test:" + subject, "helpdesk.search");
            assertThat(searches).containsExactly("null | appel du 3676 | kind=nir found=1 members=" + member.number());
            assertThat(String.join("\n", searches)).doesNotContain(member.nir());
            assertThat(audit("token:test:" + subject, "helpdesk.member-read")).containsExactly(member.number() + " | null | view=record",
                    member.number() + " | null | view=security");
        }

        // 1 search + 1 member: 58 more searches reach the limit of 60; then nothing more is searched, read or done.
        for (int i = 0; i < 58; i++) {
            assertThat(Api.get("/api/v1/members?q=" + (10_000_000 + i), agent).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> stopped = Api.get(byNir, agent);
        assertThat(stopped.statusCode()).isEqualTo(429);
        assertThat(stopped.body()).contains("60");
        assertThat(Api.get("/api/v1/members/" + HelpdeskIT.newMember().number(), agent).statusCode()).isEqualTo(429);
        assertThat(Api.postJson("/api/v1/members/" + member.number() + "/actions/revoke-sessions", agent, "{\"reason\":\"appel\"}").statusCode())
                .isEqualTo(429);
        // The supervisors were told at 20.
        assertThat(Api.json(Api.get("/api/v1/approvals", agent("helpdesk-supervisor"))).getJsonArray("alerts").stream()
                .map(a -> a.asJsonObject().getString("agent"))).anyMatch(a -> a.endsWith(":" + subject));
        if (server.postgresql()) {
            assertThat(audit("token:test:" + subject, "helpdesk.search")).hasSize(59);
        }
    }

    @Test
    void theConsolesSearchAndMemberPageAreAuditedUnderTheAgentsName() throws Exception {
        String username = name("ext.agent.");
        FormClient browser = console(new FakeIdentityProvider.Person("sub-" + username, username, username + "@mutuelle.example",
                List.of("helpdesk-agent"), List.of("pwd", "otp", "mfa")));
        HelpdeskIT.Member member = HelpdeskIT.newMember();
        HttpResponse<String> results = browser.submit("/staff/helpdesk", "/staff/helpdesk", Map.of("q", member.nir(), "reason", "appel du 3676"));
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(results.body()).contains("/staff/helpdesk/members/" + member.number()).doesNotContain(member.nir());
        HttpResponse<String> tooLong = browser.submit("/staff/helpdesk", "/staff/helpdesk", Map.of("q", member.nir(), "reason", "x".repeat(501)));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("500");
        HttpResponse<String> page = browser.get("/staff/helpdesk/members/" + member.number());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain(member.email()).doesNotContain(member.mobile());
        if (server.postgresql()) {
            assertThat(audit("staff:" + username, "helpdesk.search")).containsExactly("null | appel du 3676 | kind=nir found=1 members="
                    + member.number());
            assertThat(audit("staff:" + username, "helpdesk.member-read")).containsExactly(member.number() + " | null | view=console");
        }
    }

    @Test
    void theApiMasksTheContactDetailsAndShowsThemOnlyToAPersonGivingAReasonAudited() throws Exception {
        String number = Api.newMemberNumber();
        String email = number.toLowerCase() + "@example.org";
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), Api.member(number, email, null)).statusCode()).isEqualTo(201);
        String subject = name("it-reveal-");
        String agent = server.token(server.claims("helpdesk-agent").subject(subject).build());

        HttpResponse<String> read = Api.get("/api/v1/members/" + number, agent);
        assertThat(read.statusCode()).isEqualTo(200);
        JsonObject masked = Api.json(read);
        assertThat(masked.getString("email")).isEqualTo(email.charAt(0) + "***@example.org");
        assertThat(masked.getString("phone")).isEqualTo("+336******44");
        assertThat(masked.getJsonObject("address").keySet()).containsExactlyInAnyOrder("postcode", "city");
        assertThat(read.body()).doesNotContain(email).doesNotContain("+33611223344").doesNotContain("place du Marché");
        HttpResponse<String> search = Api.get("/api/v1/members?q=" + number, agent);
        assertThat(search.body()).contains(number).doesNotContain(email).doesNotContain("+33611223344").doesNotContain("place du Marché");

        // The reveal: a reason, a person, only the contact; otherwise a problem and nothing shown.
        String reveal = "/api/v1/members/" + number + "?reveal=contact";
        HttpResponse<String> noReason = Api.get(reveal, agent);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("\"field\":\"reason\"").doesNotContain(email);
        HttpResponse<String> other = Api.get("/api/v1/members/" + number + "?reveal=nir&reason=curiosit%C3%A9", agent);
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("\"field\":\"reveal\"");
        HttpResponse<String> byApplication = Api.get(reveal + "&reason=export", application("helpdesk-agent"));
        assertThat(byApplication.statusCode()).isEqualTo(403);
        assertThat(byApplication.body()).doesNotContain(email);

        HttpResponse<String> shown = Api.get(reveal + "&reason=" + URLEncoder.encode("courrier revenu, adresse à vérifier", StandardCharsets.UTF_8),
                agent);
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        assertThat(Api.json(shown).getString("email")).isEqualTo(email);
        assertThat(Api.json(shown).getString("phone")).isEqualTo("+33611223344");
        assertThat(Api.json(shown).getJsonObject("address").getString("line1")).isEqualTo("3 place du Marché");
        if (server.postgresql()) {
            assertThat(audit("token:test:" + subject, "helpdesk.contact-revealed")).containsExactly(number
                    + " | courrier revenu, adresse à vérifier | contact=email,phone,address");
        }
    }
}
