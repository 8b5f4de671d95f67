package fr.rempart.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 15: the report form used as a mail relay, a disk filler, a key to others' reports, a parser to exhaust. */
class ReportAbuseIT {

    private final RempartServer server = RempartServer.get();

    private static String report(String key, String contact, String firstName) {
        return """
                {"kinds":["SUSPICIOUS_MESSAGE"],"channel":"EMAIL","claimedSender":"MUTUAL","occurredOn":"2026-01-12",
                 "senderAddress":"remboursement@mutuelle-info.example","messageText":"Cliquez",
                 "lastName":"Martin","firstName":"%s","birthDate":"1970-02-03","contactEmail":"%s","submissionKey":"%s"}
                """.formatted(firstName, contact, key);
    }

    private static String address() {
        return "203.0.113." + (int) (Math.random() * 250 + 1);
    }

    private HttpResponse<String> post(String address, String contentType, HttpRequest.BodyPublisher body) {
        return Api.send(HttpRequest.newBuilder(server.uri("/api/v1/reports")).header("Content-Type", contentType)
                .header("X-Forwarded-For", address).POST(body));
    }

    @Test
    void anUnconfirmedAddressGetsNoAcknowledgmentAndTheFormsWordsNeverReachAMail() throws Exception {
        String victim = "victim." + UUID.randomUUID().toString().substring(0, 8) + "@exemple.fr";
        String lure = "Votre compte est suspendu rappelez le service";
        HttpResponse<String> filed = post(address(), "application/json",
                HttpRequest.BodyPublishers.ofString(report("relay-" + UUID.randomUUID(), victim, lure)));
        assertThat(filed.statusCode()).as(filed.body()).isEqualTo(201);
        String reference = Api.json(filed).getString("reference");
        String code = Mailbox.await(server, victim, "code");
        assertThat(code).doesNotContain(reference).doesNotContain("suspendu").doesNotContain("Martin");
        assertThat(Mailbox.count(server, victim, reference)).as("no acknowledgment before the code").isZero();
        // A wrong code sends nothing; the report stays filed either way.
        HttpResponse<String> wrong = Api.postJson("/api/v1/reports/" + reference + "/contact-confirmation", null, "{\"code\":\"12345\"}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(Mailbox.count(server, victim, reference)).isZero();
        // Three messages a day to one address at most, however many reports name it.
        for (int i = 0; i < 5; i++) {
            post(address(), "application/json", HttpRequest.BodyPublishers.ofString(report("relay-" + UUID.randomUUID(), victim, lure)));
        }
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        while (Mailbox.all(server, victim, "").size() < 3 && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(250); // the outbox delivers in the background
        }
        assertThat(Mailbox.all(server, victim, "")).hasSize(3).allSatisfy(m -> assertThat(m).doesNotContain("suspendu"));
        if (server.postgresql()) {
            try (var db = server.database(); var s = db.prepareStatement("select count(*) from outbox_message where recipient = ?")) {
                s.setString(1, victim);
                try (var r = s.executeQuery()) {
                    r.next();
                    assertThat(r.getLong(1)).as("nothing more queued for this address today").isLessThanOrEqualTo(3);
                }
            }
        }
    }

    @Test
    void aReusedSubmissionKeyFromAnotherClientReadsNothing() {
        String key = "shared-" + UUID.randomUUID();
        HttpResponse<String> first = post(address(), "application/json",
                HttpRequest.BodyPublishers.ofString(report(key, "a@exemple.fr", "Paul")));
        assertThat(first.statusCode()).isEqualTo(201);
        HttpResponse<String> other = post("198.18.0." + (int) (Math.random() * 250 + 1), "application/json",
                HttpRequest.BodyPublishers.ofString(report(key, "b@exemple.fr", "Pierre")));
        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(Api.json(other).getString("reference")).isNotEqualTo(Api.json(first).getString("reference"));

        // The pages: another browser sending a form's key gets a fresh form, neither the report nor its filer cookie.
        FormClient owner = new FormClient(server);
        String page = owner.get("/report").body();
        String pageKey = page.replaceAll("(?s).*name=\"submissionKey\" value=\"([^\"]+)\".*", "$1");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("page", "summary");
        form.put("go", "send");
        form.put("kinds", "SUSPICIOUS_MESSAGE");
        form.put("channel", "LETTER");
        form.put("claimedSender", "MUTUAL");
        form.put("occurredOn", "03/02/2026");
        form.put("lastName", "Petit");
        form.put("firstName", "Louis");
        form.put("birthDate", "07/08/1955");
        form.put("contactEmail", "louis.petit@exemple.fr");
        form.put("submissionKey", pageKey);
        HttpResponse<String> sent = owner.post("/report", form, owner.csrf().orElseThrow());
        assertThat(sent.statusCode()).isEqualTo(303);
        FormClient thief = new FormClient(server);
        thief.get("/report");
        HttpResponse<String> stolen = thief.post("/report", form, thief.csrf().orElseThrow());
        assertThat(stolen.statusCode()).isEqualTo(200);
        assertThat(stolen.headers().firstValue("Location")).isEmpty();
        assertThat(stolen.body()).doesNotContain(sent.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
        assertThat(thief.cookie("rempart_report")).isEmpty();
    }

    @Test
    void aTwoMegabyteReportPartGets413BeforeItIsParsed() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; json.length() < 2 * 1024 * 1024; i++) {
            json.append("\"unknown").append(i).append("\":1,");
        }
        json.append("\"x\":1}");
        Multipart body = new Multipart().field("report", json.toString());
        long started = System.nanoTime();
        HttpResponse<String> answer = post(address(), body.contentType(), body.publisher());
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.body().length()).isLessThan(2000);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(5));
    }

    @Test
    void manyUnknownKeysGetTwentyErrorsAtMostAndDeepJsonIsRefused() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; json.length() < 60_000; i++) {
            json.append("\"k").append(i).append("\":1,");
        }
        json.append("\"x\":1}");
        HttpResponse<String> answer = post(address(), "application/json", HttpRequest.BodyPublishers.ofString(json.toString()));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Api.json(answer).getJsonArray("errors").size()).isLessThanOrEqualTo(20);
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        HttpResponse<String> nested = post(address(), "application/json", HttpRequest.BodyPublishers.ofString(deep));
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void malformedPostsAreCountedByTheAnonymousLimit() {
        String address = address();
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> answer = post(address, "application/json", HttpRequest.BodyPublishers.ofString("{\"kinds\": [oops"));
            if (answer.statusCode() == 429) {
                refused++;
            } else {
                assertThat(answer.statusCode()).isEqualTo(400);
            }
        }
        assertThat(refused).isEqualTo(2);
        // The multipart route too, before its parts are read.
        Multipart body = new Multipart().field("report", "not json");
        assertThat(post(address, body.contentType(), body.publisher()).statusCode()).isEqualTo(429);
    }

    @Test
    void twoHundredUploadsPastTheQuotaAreRefusedAndTheDiskStaysBounded() throws Exception {
        String address = address();
        long before = storedBytes();
        int accepted = 0;
        int quota = 0;
        for (int i = 0; i < 200; i++) {
            FormClient browser = new FormClient(server, address);
            String page = browser.get("/report").body();
            String key = page.replaceAll("(?s).*name=\"submissionKey\" value=\"([^\"]+)\".*", "$1");
            Multipart upload = new Multipart().field("_csrf", browser.csrf().orElseThrow()).field("page", "evidence").field("go", "upload")
                    .field("submissionKey", key).file("files", "capture.png", "image/png", ReportFilesIT.png());
            HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(server.uri("/report/evidence"))
                    .header("Content-Type", upload.contentType()).POST(upload.publisher()));
            if (answer.statusCode() == 200) {
                accepted++;
            } else {
                assertThat(answer.statusCode()).isEqualTo(400);
                if (answer.body().contains("maximum de pièces")) {
                    quota++;
                }
            }
        }
        assertThat(accepted).isLessThanOrEqualTo(20);
        assertThat(quota).isPositive();
        assertThat(storedBytes() - before).isLessThanOrEqualTo(20L * ReportFilesIT.png().length);
    }

    private long storedBytes() throws java.io.IOException {
        java.nio.file.Path dir = server.dataDir().resolve("report-files");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
