package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A breach list through the admin API: dry run, import, matching with the identity checked, hardening, re-import, bad files. */
class BreachListIT {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private final RempartServer server = RempartServer.get();

    private String admin() {
        return server.token("security-admin");
    }

    /** A new incident declared by a security administrator; its id. */
    static String incident() {
        HttpResponse<String> created = Api.postJson("/api/v1/incidents", RempartServer.get().token("security-admin"), """
                {"title":"Fuite CNAM","source":"CNAM","occurredFrom":"2026-11-01","discoveredOn":"2026-11-12",
                 "leaked":["IDENTITY","NIR","RIGHTS"],"notLeaked":["CONTACT","BANK","HEALTH"]}""");
        assertThat(created.statusCode()).isEqualTo(201);
        return Api.json(created).getString("id");
    }

    private static String member(String nir) {
        String number = Api.newMemberNumber();
        assertThat(Api.postJson("/api/v1/members", RempartServer.get().token("security-admin"),
                Api.member(number, nir, number.toLowerCase() + "@example.org", PASSWORD)).statusCode()).isEqualTo(201);
        return number;
    }

    private HttpResponse<String> upload(String incident, String csv, boolean dryRun) {
        return Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists" + (dryRun ? "?dryRun=true" : "")))
                .header("Authorization", "Bearer " + admin()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv.getBytes(StandardCharsets.UTF_8))));
    }

    private JsonObject awaitJob(HttpResponse<String> accepted) throws InterruptedException {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return awaitJob(Api.json(accepted).getString("id"));
    }

    private JsonObject awaitJob(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(300));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> read = Api.get("/api/v1/breach-jobs/" + id, admin());
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            JsonObject job = Api.json(read);
            if (!"RUNNING".equals(job.getString("status"))) {
                return job;
            }
            Thread.sleep(200); // the server (another process) works in the background: poll
        }
        throw new AssertionError("job " + id + " still running");
    }

    @Test
    void aListIsMatchedWithTheIdentityCheckedAndTheMatchedAccountsAreHardenedOnce() throws Exception {
        String incident = incident();
        String nirA = Api.newNir();
        String nirB = Api.newNir();
        String nirC = Api.newNir();
        String a = member(nirA);
        String b = member(nirB);
        String c = member(nirC);
        FormClient signedIn = new FormClient(server);
        signedIn.signIn(a, PASSWORD);
        assertThat(signedIn.get("/account").statusCode()).isEqualTo(200);
        String stranger = Api.newNir();
        String badKey = nirA.substring(0, 13) + (nirA.endsWith("00") ? "01" : "00");
        String csv = "nir;nom;prenom;date_naissance;sexe\n"
                + nirA + ";LEFEVRE DUPONT;Helene;12/05/1984;F\n"   // 2 matched: name compared without case, accents, hyphens
                + nirB + ";Lefèvre-Dupont;Hélène;1984-05-12;F\n"   // 3 matched
                + nirA + ";Lefèvre-Dupont;Hélène;12/05/1984;F\n"   // 4 duplicate
                + nirC + ";Lefèvre-Dupont;Hélène;13/05/1984;F\n"   // 5 review: another birth day
                + stranger + ";Martin;Léa;12/05/1984;F\n"           // 6 not a member
                + badKey + ";Martin;Léa;12/05/1984;F\n"             // 7 NIR key
                + stranger + ";Martin;Léa;12/05/2031;F\n";          // 8 birth date in the future

        JsonObject dry = awaitJob(upload(incident, csv, true));
        assertThat(dry.getString("status")).isEqualTo("DONE");
        assertThat(dry.getInt("read")).isEqualTo(7);
        assertThat(dry.getInt("matched")).isEqualTo(2);
        assertThat(dry.getInt("flagged")).isZero();
        assertThat(Api.json(Api.get("/api/v1/members/" + a, admin())).getJsonArray("requiredActions")).isEmpty();

        JsonObject job = awaitJob(upload(incident, csv, false));
        assertThat(job.getString("status")).isEqualTo("DONE");
        assertThat(job.getInt("read")).isEqualTo(7);
        assertThat(job.getInt("invalid")).isEqualTo(2);
        assertThat(job.getInt("duplicates")).isEqualTo(1);
        assertThat(job.getInt("matched")).isEqualTo(2);
        assertThat(job.getInt("review")).isEqualTo(1);
        assertThat(job.getInt("unmatched")).isEqualTo(1);
        assertThat(job.getInt("flagged")).isEqualTo(2);
        assertThat(job.getInt("notified")).isEqualTo(2);
        assertThat(job.getJsonNumber("progress").doubleValue()).isEqualTo(1.0);
        for (String number : new String[]{a, b}) {
            assertThat(Api.json(Api.get("/api/v1/members/" + number, admin())).getJsonArray("requiredActions").toString())
                    .contains("UPDATE_PASSWORD").contains("CONFIGURE_TOTP");
        }
        assertThat(Api.json(Api.get("/api/v1/members/" + c, admin())).getJsonArray("requiredActions")).isEmpty();
        assertThat(signedIn.get("/account").statusCode()).isEqualTo(303); // its sessions were revoked

        String rejects = Api.get("/api/v1/breach-jobs/" + job.getString("id") + "/rejects", admin()).body();
        assertThat(rejects).contains("7;NIR_KEY;nir").contains("8;BIRTH_DATE_FUTURE;date_naissance");
        String review = Api.get("/api/v1/breach-jobs/" + job.getString("id") + "/review", admin()).body();
        assertThat(review).contains("5;" + c + ";BIRTH_DATE_DIFFERS").doesNotContain(nirC);

        // The notice: what leaked and what did not, no link, the helpdesk number, a code anyone can check.
        String notice = Mailbox.await(server, a.toLowerCase() + "@example.org", "Code de vérification");
        assertThat(notice).contains("numéro de sécurité sociale").contains("coordonnées bancaires").contains("3676")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain(nirA);
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("Code de vérification : ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})").matcher(notice);
        assertThat(code.find()).as(notice).isTrue();
        JsonObject genuine = Api.json(Api.postJson("/api/v1/message-checks", null, "{\"code\":\"" + code.group(1).toLowerCase() + "\"}"));
        assertThat(genuine.getBoolean("genuine")).isTrue();
        assertThat(genuine.getString("channel")).isEqualTo("EMAIL");
        assertThat(genuine.getString("purpose")).isEqualTo("BREACH_NOTICE");
        assertThat(genuine.toString()).doesNotContain(a).doesNotContain("example.org");
        assertThat(Api.json(Api.postJson("/api/v1/message-checks", null, "{\"code\":\"AAAA-AAAA-AA\"}")).getString("verdict"))
                .isIn("UNKNOWN", "MISTYPED");
        assertThat(Api.postJson("/api/v1/message-checks", null, "{}").statusCode()).isEqualTo(400);
        // The same on the public page, in French, labelled, the answer announced.
        FormClient anyone = new FormClient(server);
        String page = anyone.submit("/message-check", "/message-check", java.util.Map.of("code", code.group(1).replace("-", " "))).body();
        assertThat(page).contains("Ce message vient bien de nous.").contains("role=\"status\"").contains("<label for=\"code\">")
                .contains("courriel").doesNotContain(a);
        assertThat(anyone.submit("/message-check", "/message-check", java.util.Map.of("code", "<script>alert(1)</script>")).body())
                .doesNotContain("<script>alert(1)</script>").contains("ne semble pas correctement recopié");

        // The campaign: flagged, notified, still at risk; a member who signs in and changes the password moves the figures.
        JsonObject before = Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin()));
        assertThat(before.getInt("flagged")).isEqualTo(2);
        assertThat(before.getJsonObject("notified").getInt("email")).isEqualTo(2);
        assertThat(before.getInt("atRisk")).isEqualTo(2);
        assertThat(before.getJsonObject("facts").getInt("passwordReset")).isZero();
        FormClient member = new FormClient(server);
        assertThat(member.signIn(a, PASSWORD).headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/required-actions"));
        // The password alone finishes nothing on a flagged account: first the code sent to the e-mail on file.
        assertThat(HardeningIT.prove(member, a.toLowerCase() + "@example.org")).endsWith("/required-actions/update-password");
        String chosen = "une phrase de passe toute neuve pour la mutuelle";
        member.submit("/required-actions/update-password", "/required-actions/update-password",
                java.util.Map.of("newPassword", chosen, "confirmPassword", chosen));
        JsonObject after = Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin()));
        assertThat(after.getJsonObject("facts").getInt("passwordReset")).isEqualTo(1);
        assertThat(after.getJsonObject("facts").getInt("signedInSince")).isEqualTo(1);
        assertThat(after.getInt("atRisk")).isEqualTo(2); // the second factor is still to enrol
        assertThat(after.getJsonArray("daily").toString()).contains("\"flagged\":2");
        String atRisk = Api.get("/api/v1/incidents/" + incident + "/at-risk", admin()).body();
        assertThat(atRisk).startsWith("\uFEFFmember_number;").contains(a + ";").contains(b + ";").doesNotContain(c + ";").doesNotContain(nirA);

        // The letters, printed now for the print shop (not when a batch is full): a PDF with the notice and its own code, and a manifest.
        HttpResponse<String> print = Api.postJson("/api/v1/incidents/" + incident + "/letter-batches", admin(), "{}");
        assertThat(print.statusCode()).as(print.body()).isIn(201, 204); // 204: the background round printed them first
        jakarta.json.JsonArray batches = Api.jsonArray(Api.get("/api/v1/incidents/" + incident + "/letter-batches", admin()));
        assertThat(batches).hasSize(1);
        JsonObject batch = batches.getJsonObject(0);
        assertThat(batch.getInt("letters")).isEqualTo(2);
        HttpResponse<byte[]> pdf = Api.sendBytes(HttpRequest.newBuilder(server.uri(batch.getString("pdf"))).header("Authorization", "Bearer " + admin()));
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment"));
        String letters;
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
            assertThat(document.getNumberOfPages()).isEqualTo(batch.getInt("pages"));
            letters = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
        }
        assertThat(letters).contains("Hélène Lefèvre-Dupont").contains("3 place du Marché").contains("69003 Lyon").contains(a).contains(b)
                .contains("Code de vérification de ce courrier").contains("3676").doesNotContain(nirA).doesNotContain(nirB).doesNotContain("http");
        java.util.regex.Matcher letterCode = java.util.regex.Pattern.compile("Code de vérification : ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})")
                .matcher(letters);
        assertThat(letterCode.find()).as(letters).isTrue();
        assertThat(Api.json(Api.postJson("/api/v1/message-checks", null, "{\"code\":\"" + letterCode.group(1) + "\"}")).getString("channel"))
                .isEqualTo("LETTER");
        assertThat(Api.get(batch.getString("manifest"), admin()).body()).startsWith("\uFEFFsequence;member_number;first_page;pages").contains(a);
        assertThat(Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin())).getJsonObject("notified").getInt("letter"))
                .isEqualTo(2);
        assertThat(Api.get(batch.getString("pdf"), server.token("helpdesk-agent")).statusCode()).isEqualTo(403);

        // The same figures on the campaign page, for a security administrator signed in as staff.
        FormClient staff = securityAdministrator();
        String campaignPage = staff.get("/staff/incidents/" + incident + "/campaign").body();
        assertThat(campaignPage).contains("id=\"flagged\">2<").contains("id=\"at-risk\">2<").contains("<svg role=\"img\"")
                .contains("<table id=\"campaign-days\"").doesNotContain(nirA);
        assertThat(campaignPage).contains("id=\"notified-letter\">2<").contains("id=\"at-risk-export\"");
        HttpResponse<String> export = staff.get("/staff/incidents/" + incident + "/campaign/at-risk.csv");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.body()).startsWith("\uFEFFmember_number;").contains(a + ";").doesNotContain(nirA);
        assertThat(new FormClient(server).get("/staff/incidents/" + incident + "/campaign").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/staff/signin"));

        // The same list again: nobody is flagged or hardened twice.
        JsonObject again = awaitJob(upload(incident, csv, false));
        assertThat(again.getInt("matched")).isEqualTo(2);
        assertThat(again.getInt("flagged")).isZero();
        assertThat(again.getInt("alreadyFlagged")).isEqualTo(2);
        assertThat(again.getInt("notified")).isZero();
        assertThat(again.getString("sameFileAs")).isEqualTo(job.getString("id"));
    }

    @Test
    void theSameListUploadedTwiceAtOnceStartsOneJobAndTheOtherIsToldWhy() throws Exception {
        String incident = incident();
        String nir = Api.newNir();
        String member = member(nir);
        StringBuilder csv = new StringBuilder("nir;nom;prenom;date_naissance;sexe\n").append(nir).append(";Lefèvre-Dupont;Hélène;12/05/1984;F\n");
        for (int i = 0; i < 100_000; i++) { // long enough for the second upload to arrive while the first job runs
            csv.append(Api.newNir()).append(";Martin;Léa;12/05/1984;F\n");
        }
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> uploads = java.util.stream.IntStream.range(0, 2)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(() -> upload(incident, csv.toString(), false))).toList();
        java.util.List<HttpResponse<String>> answers = uploads.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(202, 409);
        HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonObject job = awaitJob(answers.stream().filter(r -> r.statusCode() == 202).findFirst().orElseThrow());
        assertThat(job.getString("status")).isEqualTo("DONE");
        assertThat(job.getInt("flagged")).isEqualTo(1);
        assertThat(job.getInt("unmatched")).isGreaterThan(99_000);
        assertThat(Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin())).getInt("flagged")).isEqualTo(1);
        assertThat(Api.json(Api.get("/api/v1/members/" + member, admin())).getJsonArray("requiredActions").toString()).contains("UPDATE_PASSWORD");
    }

    /** A new security administrator, through the staff API and the first sign-in (enrolment, own password). */
    /** A security administrator of staff, created and signed in (second factor enrolled, own password) in a browser of its own. */
    static FormClient securityAdministrator() {
        RempartServer server = RempartServer.get();
        String username = "campaign.admin" + System.nanoTime() % 1_000_000;
        HttpResponse<String> created = Api.postJson("/api/v1/staff", server.token("security-admin"), ("{\"username\":\"%s\",\"displayName\":\"Nadia Roux\","
                + "\"email\":\"%s@mutuelle.example\",\"groups\":[\"security-admin\"]}").formatted(username, username));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        FormClient browser = new FormClient(server);
        browser.submit("/staff/signin", "/staff/signin", java.util.Map.of("username", username, "password", Api.json(created).getString("initialPassword")));
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>")
                .matcher(browser.get("/staff/signin/enrol").body());
        assertThat(key.find()).isTrue();
        browser.post("/staff/signin/enrol", java.util.Map.of("code", TotpIT.oathtool(key.group(1).replace(" ", ""), Instant.now().getEpochSecond())),
                browser.csrf().orElseThrow());
        String chosen = "une phrase de passe pour la campagne";
        browser.submit("/staff/signin/password", "/staff/signin/password", java.util.Map.of("newPassword", chosen, "confirmPassword", chosen));
        return browser;
    }

    @Test
    void filesThatAreNotBreachListsAreRefusedAtOnce() throws Exception {
        String incident = incident();
        HttpResponse<String> empty = upload(incident, "", false);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        HttpResponse<String> binary = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists"))
                .header("Authorization", "Bearer " + admin()).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 8, 0})));
        assertThat(binary.statusCode()).isEqualTo(400);
        assertThat(upload(incident, "nir\tnom\tprenom\n", false).statusCode()).isEqualTo(400);
        // Larger than allowed (64 MiB here, 8 GiB by default): streamed, refused with 413, nothing left behind.
        java.util.Set<Path> before = lists();
        byte[] row = (Api.newNir() + ";Martin;Léa;12/05/1984;F\n").getBytes(StandardCharsets.UTF_8);
        long size = 70L * 1024 * 1024;
        HttpResponse<String> tooLarge = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists"))
                .header("Authorization", "Bearer " + admin()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
                    private long sent;

                    @Override
                    public int read() {
                        return sent < size ? row[(int) (sent++ % row.length)] & 0xff : -1;
                    }
                })));
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("64");
        assertThat(lists()).isEqualTo(before);
        assertThat(upload("INC-00000000-XXXX", "a;b\n", false).statusCode()).isEqualTo(404);
        assertThat(Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists"))
                .header("Authorization", "Bearer " + server.token("helpdesk-supervisor")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("a;b\n"))).statusCode()).isEqualTo(403);
    }

    /** The lists kept for jobs under the server's data directory. */
    private java.util.Set<Path> lists() throws java.io.IOException {
        Path dir = server.dataDir().resolve("breach-lists");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return java.util.Set.of();
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void anImportKilledInTheMiddleResumesAtStartUpAndFlagsAndNotifiesEachMemberOnce() throws Exception {
        String incident = incident();
        java.util.List<String> nirs = new java.util.ArrayList<>();
        java.util.List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nirs.add(Api.newNir());
            numbers.add(member(nirs.get(i)));
        }
        // The members' rows spread through a long list, so some are flagged before the kill and some after.
        int rows = server.postgresql() ? 900_000 : 120_000; // long enough to be killed in the middle, on either database
        StringBuilder csv = new StringBuilder("nir;nom;prenom;date_naissance;sexe\n");
        for (int i = 0; i < rows; i++) {
            boolean member = i % (rows / 6) == 0;
            csv.append(member ? nirs.get(i / (rows / 6)) : Api.newNir()).append(member ? ";Lefèvre-Dupont;Hélène" : ";Martin;Léa")
                    .append(";12/05/1984;F\n");
        }
        HttpResponse<String> accepted = upload(incident, csv.toString(), false);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = Api.json(accepted).getString("id");
        Instant deadline = Instant.now().plusSeconds(60);
        JsonObject seen;
        do {
            seen = Api.json(Api.get("/api/v1/breach-jobs/" + id, admin()));
        } while (seen.getInt("read") < 10_000 && "RUNNING".equals(seen.getString("status")) && Instant.now().isBefore(deadline));
        // H2 writes what was committed to disk within a second (PostgreSQL at once): the kill comes after that, mid-job.
        Thread.sleep(1500);
        seen = Api.json(Api.get("/api/v1/breach-jobs/" + id, admin()));
        assertThat(seen.getString("status")).as("the kill must come while the job runs").isEqualTo("RUNNING");

        server.crash();
        JsonObject job = awaitJob(id);
        assertThat(job.getString("status")).isEqualTo("DONE");
        assertThat(job.getInt("read")).isEqualTo(rows);
        assertThat(job.getInt("flagged") + job.getInt("alreadyFlagged")).isEqualTo(6);
        assertThat(Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin())).getInt("flagged")).isEqualTo(6);
        for (String number : numbers) {
            Mailbox.await(server, number.toLowerCase() + "@example.org", "Code de vérification");
        }
        Thread.sleep(4000); // a second notice, if one were queued, would be rendered and sent by now
        for (String number : numbers) {
            assertThat(Mailbox.count(server, number.toLowerCase() + "@example.org", "Code de vérification")).as(number).isEqualTo(1);
        }
        assertThat(Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin())).getJsonObject("notified").getInt("email")).isEqualTo(6);
    }

    @Test
    void theMessageCheckIsLimitedPerAddress() {
        String address = "198.51.100." + (int) (Math.random() * 200 + 20);
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            int status = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/message-checks")).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", address).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"AAAA-AAAA-AA\"}"))).statusCode();
            if (status == 429) {
                limited++;
            } else {
                assertThat(status).isEqualTo(200);
            }
        }
        assertThat(limited).isEqualTo(2); // ten a minute from one address, whatever the codes
    }
}
