package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The helpdesk's API: search without the leaked facts giving anyone away, proofs of the caller that
 * the leak does not give (a code to the e-mail on file, once), actions with a reason, four eyes on a
 * breached account's second factor, the hourly limit and the volume alert, every action audited.
 */
class HelpdeskIT {

    static final String PASSWORD = "une phrase de passe assez longue";
    private static final Pattern CODE = Pattern.compile("(\\d{6})");
    private static final Random RANDOM = new Random();
    private final RempartServer server = RempartServer.get();

    /** A member with a name of their own (the search by name and birth date must find only them). */
    static Member newMember() {
        String number = Api.newMemberNumber();
        StringBuilder name = new StringBuilder("Verif");
        for (int i = 0; i < 8; i++) {
            name.append((char) ('a' + RANDOM.nextInt(26)));
        }
        String nir = Api.newNir();
        String email = number.toLowerCase() + "@example.org";
        String mobile = String.format("07%08d", RANDOM.nextInt(100_000_000));
        String json = """
                {"memberNumber":"%s","nir":"%s","lastName":"%s","firstName":"Claire","birthDate":"12/05/1984","sex":"F","email":"%s",
                 "phone":"%s","passwordHash":"%s"}""".formatted(number, nir, name, email, mobile, Api.hash(PASSWORD));
        HttpResponse<String> created = Api.postJson("/api/v1/members", RempartServer.get().token("security-admin"), json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new Member(number, nir, name.toString(), email, "+33" + mobile.substring(1));
    }

    record Member(String number, String nir, String lastName, String email, String mobile) {
    }

    /** Flags the member as a breach import does: an incident, a one-line list, the job done; returns the incident. */
    static String flag(Member member) throws InterruptedException {
        RempartServer server = RempartServer.get();
        String admin = server.token("security-admin");
        HttpResponse<String> incident = Api.postJson("/api/v1/incidents", admin, """
                {"title":"Fuite helpdesk","source":"CNAM","occurredFrom":"2026-11-01","discoveredOn":"2026-11-12",
                 "leaked":["IDENTITY","NIR"],"notLeaked":["CONTACT","BANK","HEALTH"]}""");
        assertThat(incident.statusCode()).isEqualTo(201);
        String csv = "nir;nom;prenom;date_naissance;sexe\n" + member.nir() + ";" + member.lastName() + ";Claire;12/05/1984;F\n";
        HttpResponse<String> job = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + Api.json(incident).getString("id") + "/breach-lists"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv.getBytes(StandardCharsets.UTF_8))));
        assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonObject read = Api.json(Api.get("/api/v1/breach-jobs/" + Api.json(job).getString("id"), admin));
            if (!"RUNNING".equals(read.getString("status"))) {
                assertThat(read.getInt("flagged")).isEqualTo(1);
                return Api.json(incident).getString("id");
            }
            Thread.sleep(200); // the server (another process) works in the background: poll
        }
        throw new AssertionError("breach job still running");
    }

    /** Locks sign-in with wrong passwords, as an attacker or a forgetful member does. */
    static void lock(Member member) {
        FormClient browser = new FormClient(RempartServer.get());
        for (int i = 0; i < 7; i++) {
            browser.signIn(member.number(), "not the password " + i);
        }
    }

    /** The helpdesk codes the member has received so far. */
    static java.util.Set<String> codes(Member member) throws Exception {
        java.util.Set<String> codes = new java.util.HashSet<>();
        for (String mail : Mailbox.all(RempartServer.get(), member.email(), "Lisez ce code")) {
            Matcher m = CODE.matcher(mail.substring(mail.indexOf("Lisez ce code")));
            if (m.find()) {
                codes.add(m.group(1));
            }
        }
        return codes;
    }

    /** The code of the proof just started: the one the member received that was not there before. */
    static String newCode(Member member, java.util.Set<String> before) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            java.util.Set<String> now = codes(member);
            now.removeAll(before);
            if (!now.isEmpty()) {
                return now.iterator().next();
            }
            Thread.sleep(200); // the server (another process) works in the background: poll
        }
        throw new AssertionError("no helpdesk code for " + member.number());
    }

    private String agentToken(String subject, String group) {
        return server.token(server.claims(group).subject(subject).build());
    }

    private static HttpResponse<String> post(String path, String token, String json) {
        return Api.postJson(path, token, json);
    }

    private JsonObject security(Member member, String token) {
        HttpResponse<String> read = Api.get("/api/v1/members/" + member.number() + "/security", token);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return Api.json(read);
    }

    @Test
    void theSearchFindsByNumberEmailWholeNirOrNameWithBirthDateAndNeverShowsTheNir() {
        Member member = newMember();
        String agent = server.token("helpdesk-agent");
        for (String q : new String[]{member.number(), member.email(), member.nir(), member.lastName() + " 12/05/1984",
                member.lastName().toUpperCase() + " Claire 1984-05-12"}) {
            HttpResponse<String> found = Api.get("/api/v1/members?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), agent);
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(Api.jsonArray(found)).as(q).singleElement().satisfies(m -> assertThat(m.asJsonObject().getString("memberNumber"))
                    .isEqualTo(member.number()));
            assertThat(found.body()).doesNotContain(member.nir()).doesNotContain(member.nir().substring(5, 13));
        }
        for (String q : new String[]{member.nir().substring(0, 13), member.lastName(), "12/05/1984"}) {
            assertThat(Api.jsonArray(Api.get("/api/v1/members?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), agent))).as(q).isEmpty();
        }
        assertThat(Api.get("/api/v1/members?q=" + member.number(), server.token()).statusCode()).isEqualTo(403);
    }

    @Test
    void anAgentUnlocksOnlyACallerProvenByACodeSentToTheContactOnFileAndTheCodeWorksOnce() throws Exception {
        Member member = newMember();
        lock(member);
        String agent = agentToken("it-agent-unlock", "helpdesk-agent");
        JsonObject before = security(member, agent);
        assertThat(before.getBoolean("locked")).isTrue();
        assertThat(before.getJsonArray("locks").getJsonObject(0).getString("cause")).isEqualTo("password");
        assertThat(before.getString("notProof")).contains("NIR");

        // Nothing happens without a reason, on an unknown member or action, or without a proof.
        String path = "/api/v1/members/" + member.number() + "/actions/unlock";
        assertThat(post(path, agent, "{\"reason\":\"\"}").statusCode()).isEqualTo(400);
        assertThat(post(path, agent, "{}").body()).contains("\"field\":\"reason\"");
        assertThat(post("/api/v1/members/99999999/actions/unlock", agent, "{\"reason\":\"appel\"}").statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/members/" + member.number() + "/actions/format-disk", agent, "{\"reason\":\"appel\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> unproven = post(path, agent, "{\"reason\":\"appel du 3676, bloqué\"}");
        assertThat(unproven.statusCode()).isEqualTo(428);
        assertThat(security(member, agent).getBoolean("locked")).isTrue();

        java.util.Set<String> earlier = codes(member);
        HttpResponse<String> started = post("/api/v1/members/" + member.number() + "/verifications", agent, "{\"method\":\"email\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String id = Api.json(started).getString("id");
        assertThat(Api.json(started).getString("sentTo")).startsWith(member.email().substring(0, 1) + "***@");
        String code = newCode(member, earlier);
        String confirm = "/api/v1/members/" + member.number() + "/verifications/" + id;
        String wrong = code.equals("000000") ? "000001" : "000000";
        assertThat(post(confirm, agent, "{\"code\":\"" + wrong + "\"}").statusCode()).isEqualTo(400);
        // Another agent cannot use this agent's proof, nor confirm it.
        String other = agentToken("it-agent-other", "helpdesk-agent");
        assertThat(post(confirm, other, "{\"code\":\"" + code + "\"}").statusCode()).isEqualTo(404);
        assertThat(post(confirm, agent, "{\"code\":\"" + code + "\"}").statusCode()).isEqualTo(200);
        assertThat(post(confirm, agent, "{\"code\":\"" + code + "\"}").statusCode()).as("a replayed code").isEqualTo(409);
        assertThat(post(path, other, "{\"reason\":\"appel\",\"verification\":\"" + id + "\"}").statusCode()).isEqualTo(428);

        HttpResponse<String> unlocked = post(path, agent, "{\"reason\":\"appel du 3676, bloqué\",\"verification\":\"" + id + "\"}");
        assertThat(unlocked.statusCode()).as(unlocked.body()).isEqualTo(200);
        JsonObject after = security(member, agent);
        assertThat(after.getBoolean("locked")).isFalse();
        assertThat(after.getJsonArray("timeline").stream().map(e -> e.asJsonObject().getString("type")))
                .contains("helpdesk.unlock", "helpdesk.verified", "helpdesk.verification-sent");
        assertThat(Mailbox.await(server, member.email(), "débloqué")).contains("3676");
        assertThat(new FormClient(server).signIn(member.number(), PASSWORD).headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/account"));
        if (server.postgresql()) {
            try (var db = server.database(); var s = db.prepareStatement("select actor, action, reason from audit_event where subject = ? "
                    + "and action like 'helpdesk.%' order by seq")) {
                s.setString(1, member.number());
                java.util.List<String> rows = new java.util.ArrayList<>();
                try (var r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3));
                    }
                }
                assertThat(rows).containsSubsequence("token:test:it-agent-unlock helpdesk.verification-sent null",
                        "token:test:it-agent-unlock helpdesk.verified null", "token:test:it-agent-unlock helpdesk.unlock appel du 3676, bloqué");
                assertThat(String.join("\n", rows)).doesNotContain(code);
            }
        }
        assertThat(Api.json(Api.get("/api/v1/audit/verification", server.token("security-admin"))).getBoolean("intact")).isTrue();
    }

    @Test
    void aSecondFactorResetOnABreachedAccountWaitsForAnotherSupervisor() throws Exception {
        Member member = newMember();
        flag(member);
        String agent = agentToken("it-agent-four-eyes", "helpdesk-agent");
        HttpResponse<String> proof = post("/api/v1/members/" + member.number() + "/verifications", agent,
                "{\"method\":\"in-person\",\"checked\":\"carte nationale d'identité\"}");
        assertThat(proof.statusCode()).isEqualTo(201);
        assertThat(Api.json(proof).getBoolean("verified")).isTrue();
        HttpResponse<String> requested = post("/api/v1/members/" + member.number() + "/actions/reset-totp", agent,
                "{\"reason\":\"téléphone perdu\",\"verification\":\"" + Api.json(proof).getString("id") + "\"}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
        String approval = Api.json(requested).getJsonObject("approval").getString("id");
        assertThat(Api.json(requested).getJsonObject("approval").getString("status")).isEqualTo("PENDING");

        // An agent token cannot reach the supervisors' actions; a supervisor cannot approve their own request.
        assertThat(Api.get("/api/v1/approvals", agent).statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/approvals/" + approval + "/approve", agent, "{}").statusCode()).isEqualTo(403);
        String supervisor = agentToken("it-supervisor-one", "helpdesk-supervisor");
        String own = supervisor;
        HttpResponse<String> ownProof = post("/api/v1/members/" + member.number() + "/verifications", own,
                "{\"method\":\"in-person\",\"checked\":\"passeport\"}");
        HttpResponse<String> ownRequest = post("/api/v1/members/" + member.number() + "/actions/reset-totp", own,
                "{\"reason\":\"téléphone perdu\",\"verification\":\"" + Api.json(ownProof).getString("id") + "\"}");
        assertThat(ownRequest.statusCode()).isEqualTo(202);
        String ownId = Api.json(ownRequest).getJsonObject("approval").getString("id");
        HttpResponse<String> self = post("/api/v1/approvals/" + ownId + "/approve", own, "{}");
        assertThat(self.statusCode()).isEqualTo(403);
        assertThat(self.body()).contains("autre personne");

        assertThat(Mailbox.await(server, member.email(), "un superviseur doit l")).contains("3676");
        String application = server.token(server.claims("helpdesk-supervisor").subject("it-app").claim("client_id", "it-app").build());
        HttpResponse<String> byApplication = post("/api/v1/approvals/" + approval + "/approve", application, "{}");
        assertThat(byApplication.statusCode()).isEqualTo(403);
        assertThat(byApplication.body()).contains("application");

        assertThat(Api.json(Api.get("/api/v1/approvals", supervisor)).getJsonArray("pending").stream()
                .map(a -> a.asJsonObject().getString("id"))).contains(approval, ownId);
        HttpResponse<String> approved = post("/api/v1/approvals/" + approval + "/approve", supervisor, "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(Api.json(approved).getString("status")).isEqualTo("APPROVED");
        assertThat(post("/api/v1/approvals/" + approval + "/approve", supervisor, "{}").statusCode()).isEqualTo(409);
        assertThat(post("/api/v1/approvals/" + ownId + "/reject", agentToken("it-supervisor-two", "helpdesk-supervisor"), "{}").statusCode())
                .isEqualTo(200);
        assertThat(Mailbox.await(server, member.email(), "a été refusée")).contains("3676");
        JsonObject state = security(member, supervisor);
        assertThat(state.getJsonArray("requiredActions").stream().map(Object::toString)).anyMatch(a -> a.contains("CONFIGURE_TOTP"));
        assertThat(state.getJsonArray("timeline").stream().map(e -> e.asJsonObject().getString("type")))
                .contains("totp.reset", "helpdesk.reset-totp", "helpdesk.approval-requested", "breach.flagged");

        if (server.postgresql()) {
            // A request left waiting past its time lapses: it must be asked again.
            HttpResponse<String> late = post("/api/v1/members/" + member.number() + "/actions/reset-totp", agent,
                    "{\"reason\":\"encore\",\"verification\":\"" + Api.json(proof).getString("id") + "\"}");
            String lateId = Api.json(late).getJsonObject("approval").getString("id");
            try (var db = server.database(); var s = db.prepareStatement("update helpdesk_approval set expires_at = ? where id = ?")) {
                s.setObject(1, java.time.OffsetDateTime.now().minusMinutes(1));
                s.setString(2, lateId);
                s.executeUpdate();
            }
            assertThat(post("/api/v1/approvals/" + lateId + "/approve", supervisor, "{}").statusCode()).isEqualTo(410);
        }
        assertThat(Api.json(Api.get("/api/v1/audit/verification", server.token("security-admin"))).getBoolean("intact")).isTrue();
    }

    @Test
    void anAgentsActionsAreLimitedAndUnusualVolumeRaisesAnAlert() throws Exception {
        Member member = newMember();
        String subject = "it-agent-volume-" + RANDOM.nextInt(1_000_000);
        String agent = agentToken(subject, "helpdesk-agent");
        String path = "/api/v1/members/" + member.number() + "/actions/revoke-sessions";
        int done = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 61; i++) {
            last = post(path, agent, "{\"reason\":\"essai de volume " + i + "\"}");
            if (last.statusCode() == 200) {
                done++;
            }
        }
        assertThat(done).isEqualTo(60);
        assertThat(last.statusCode()).isEqualTo(429);
        String supervisor = agentToken("it-supervisor-alerts", "helpdesk-supervisor");
        assertThat(Api.json(Api.get("/api/v1/approvals", supervisor)).getJsonArray("alerts").stream()
                .map(a -> a.asJsonObject().getString("agent"))).anyMatch(a -> a.endsWith(":" + subject));
        // The supervisors hear of it by e-mail too (the demo supervisor), once.
        assertThat(Mailbox.await(server, "supervisor@staff.example", subject)).contains("20");
        assertThat(Mailbox.count(server, "supervisor@staff.example", subject)).isEqualTo(1);
    }

    @Test
    void theConsoleRefusesAPostWithoutItsCsrfToken() {
        Member member = newMember();
        FormClient agent = new FormClient(server);
        StaffSignInIT.signIn(agent, "agent", StaffSignInIT.AGENT_PASSWORD);
        assertThat(StaffSignInIT.code(agent, StaffSignInIT.freshCode(StaffSignInIT.AGENT_SECRET)).statusCode()).isEqualTo(303);
        HttpResponse<String> page = agent.get("/staff/helpdesk/members/" + member.number());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("pas une preuve").doesNotContain(member.nir());
        String csrf = agent.csrf().orElseThrow();
        assertThat(agent.post("/staff/helpdesk/members/" + member.number() + "/actions/revoke-sessions", Map.of("reason", "sans jeton"), null)
                .statusCode()).isEqualTo(403);
        assertThat(agent.post("/staff/helpdesk/members/" + member.number() + "/verifications", Map.of("method", "email"), null).statusCode())
                .isEqualTo(403);
        assertThat(agent.post("/staff/helpdesk", Map.of("q", member.nir()), null).statusCode()).isEqualTo(403);
        HttpResponse<String> searched = agent.post("/staff/helpdesk", Map.of("q", member.nir()), csrf);
        assertThat(searched.statusCode()).isEqualTo(200);
        assertThat(searched.body()).contains("/staff/helpdesk/members/" + member.number()).doesNotContain(member.nir());
        assertThat(agent.get("/staff/helpdesk/approvals").statusCode()).as("agents are not supervisors").isEqualTo(403);
        assertThat(agent.get("/staff/helpdesk/members/99999999").statusCode()).isEqualTo(404);
    }

    @Test
    void theOtherActionsResetAPasswordByLinkResendTheNoticeAndResetAnUnflaggedSecondFactorAtOnce() throws Exception {
        Member member = newMember();
        String agent = agentToken("it-agent-others", "helpdesk-agent");
        String base = "/api/v1/members/" + member.number() + "/actions/";

        // No breach, no notice to send again; a second factor reset on an unflagged account is done at once when the caller read
        // back a code sent to the contact on file; a face-to-face check is the agent's word alone and waits for a second person.
        assertThat(post(base + "resend-notice", agent, "{\"reason\":\"avis non reçu\"}").statusCode()).isEqualTo(409);
        HttpResponse<String> proof = post("/api/v1/members/" + member.number() + "/verifications", agent,
                "{\"method\":\"in-person\",\"checked\":\"passeport\"}");
        assertThat(Mailbox.await(server, member.email(), "vérifiée en personne")).contains("3676");
        HttpResponse<String> waits = post(base + "reset-totp", agent, "{\"reason\":\"nouveau téléphone\",\"verification\":\""
                + Api.json(proof).getString("id") + "\"}");
        assertThat(waits.statusCode()).as(waits.body()).isEqualTo(202);
        java.util.Set<String> earlier = codes(member);
        HttpResponse<String> sent = post("/api/v1/members/" + member.number() + "/verifications", agent, "{\"method\":\"email\"}");
        String codeProof = Api.json(sent).getString("id");
        assertThat(post("/api/v1/members/" + member.number() + "/verifications/" + codeProof, agent,
                "{\"code\":\"" + newCode(member, earlier) + "\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> reset = post(base + "reset-totp", agent, "{\"reason\":\"nouveau téléphone\",\"verification\":\"" + codeProof + "\"}");
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(Api.json(reset).getBoolean("done")).isTrue();

        // A new password: the member gets a link; the agent never sees nor sets one.
        HttpResponse<String> password = post(base + "require-password-reset", agent, "{\"reason\":\"mot de passe donné à un escroc\"}");
        assertThat(password.statusCode()).as(password.body()).isEqualTo(200);
        assertThat(password.body()).doesNotContain("token").doesNotContain("password\":");
        assertThat(Mailbox.await(server, member.email(), "/password/reset?token=")).isNotBlank();
        assertThat(security(member, agent).getJsonArray("requiredActions").toString()).contains("UPDATE_PASSWORD");

        // Flagged, the notice goes again with a new code.
        flag(member);
        long notices = awaitCount(member, "divulguées", 1);
        HttpResponse<String> resent = post(base + "resend-notice", agent, "{\"reason\":\"avis non reçu\"}");
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        assertThat(awaitCount(member, "divulguées", notices + 1)).isEqualTo(notices + 1);
        assertThat(Mailbox.await(server, member.email(), "renvoyé")).contains("3676");
    }

    private long awaitCount(Member member, String containing, long atLeast) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        long n = Mailbox.count(server, member.email(), containing);
        while (n < atLeast && Instant.now().isBefore(deadline)) {
            Thread.sleep(250); // the server (another process) works in the background: poll
            n = Mailbox.count(server, member.email(), containing);
        }
        return n;
    }

    @Test
    void theCodeMayGoBySmsToTheMobileOnFile() throws Exception {
        Member member = newMember();
        String agent = agentToken("it-agent-sms", "helpdesk-agent");
        HttpResponse<String> started = post("/api/v1/members/" + member.number() + "/verifications", agent, "{\"method\":\"sms\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        assertThat(Api.json(started).getString("sentTo")).isEqualTo(member.mobile().substring(0, 4) + "******" + member.mobile().substring(10));
        // No SMS gateway in the tests: the outbox writes each text message as a file.
        Path dir = server.dataDir().resolve("outbox-sms");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Optional<String> sms = Optional.empty();
        while (sms.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(250); // the server (another process) works in the background: poll
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".sms")).toList()) {
                        String text = Files.readString(f);
                        if (text.startsWith("To: " + member.mobile())) {
                            sms = Optional.of(text);
                        }
                    }
                }
            }
        }
        assertThat(sms).as("an SMS to " + member.mobile()).isPresent();
        Matcher code = Pattern.compile("assistance (\\d{6})").matcher(sms.get());
        assertThat(code.find()).as(sms.get()).isTrue();
        assertThat(post("/api/v1/members/" + member.number() + "/verifications/" + Api.json(started).getString("id"), agent,
                "{\"code\":\"" + code.group(1) + "\"}").statusCode()).isEqualTo(200);
    }
}
