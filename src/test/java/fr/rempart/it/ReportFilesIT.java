package fr.rempart.it;

import jakarta.json.JsonObject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionJavaScript;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports with their evidence, over HTTP: files checked by content and kept apart, read back only
 * as downloads by the helpdesk and the filer; the pre-complaint PDF; the form pages' CSRF and their
 * one-report-per-form rule; the triage console and API, audited.
 */
class ReportFilesIT {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final AtomicInteger ADDRESSES = new AtomicInteger((int) (Math.random() * 200));
    private final RempartServer server = RempartServer.get();

    /** An identity theft with HTML in every free-text field. */
    private static String report(String key) {
        return """
                {"kinds":["SUSPICIOUS_MESSAGE","IDENTITY_USED"],"channel":"EMAIL","claimedSender":"ASSURANCE_MALADIE","occurredOn":"2026-02-03",
                 "senderAddress":"remboursement@ameli-info.example","linkOrNumber":"https://ameli-info.example/<b>x</b>",
                 "messageText":"Bonjour %1$s, votre carte Vitale expire","organisation":"Banque <i>Exemple</i>",
                 "identityUse":"Un crédit ouvert à mon nom %1$s","lastName":"Durand","firstName":"Claire","birthDate":"1981-05-06",
                 "contactEmail":"claire.durand@exemple.fr","submissionKey":"%2$s"}
                """.formatted(SCRIPT.replace("\"", "\\\""), key);
    }

    /** Each anonymous post from its own address: the per-address limit is tested elsewhere. */
    private static String address() {
        return "192.0.2." + (ADDRESSES.incrementAndGet() % 250 + 1);
    }

    private HttpResponse<String> post(Multipart body) {
        return Api.send(HttpRequest.newBuilder(server.uri("/api/v1/reports")).header("Content-Type", body.contentType())
                .header("X-Forwarded-For", address()).POST(body.publisher()));
    }

    static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("payload.exe"));
            zip.write(new byte[]{'M', 'Z', 1, 2, 3});
        }
        return out.toByteArray();
    }

    static byte[] pdf(boolean javaScript) throws IOException {
        try (PDDocument document = new PDDocument()) {
            document.addPage(new PDPage());
            if (javaScript) {
                document.getDocumentCatalog().setOpenAction(new PDActionJavaScript("app.alert('gotcha')"));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    /** Rows in the server's database: PostgreSQL runs only (the H2 file is locked by the server); the API checks hold on both. */
    private long rows(String sql, String key) throws Exception {
        try (var db = server.database(); var s = db.prepareStatement(sql)) {
            s.setString(1, key);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private long storedFiles() throws IOException {
        Path dir = server.dataDir().resolve("report-files");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void evidenceTravelsWithTheReportAndComesBackOnlyAsADownload() throws Exception {
        String key = "files-" + UUID.randomUUID();
        byte[] png = png();
        HttpResponse<String> created = post(new Multipart().json("report", report(key))
                .file("files", "capture.png", "image/png", png).file("files", "../../etc/relevé.pdf", "application/pdf", pdf(false)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String reference = Api.json(created).getString("reference");
        assertThat(Api.json(created).getJsonArray("nextSteps").stream().map(v -> v.asJsonObject().getString("code")))
                .contains("SIGNAL_SPAM", "IDENTITY_THEFT_COMPLAINT");

        String helpdesk = server.token("helpdesk-agent");
        HttpResponse<String> details = Api.get("/api/v1/reports/" + reference, helpdesk);
        assertThat(details.statusCode()).as(details.body()).isEqualTo(200);
        JsonObject report = Api.json(details);
        assertThat(report.getJsonObject("facts").getString("messageText")).contains(SCRIPT);
        var files = report.getJsonArray("files");
        assertThat(files).hasSize(2);
        assertThat(files.getJsonObject(0).getString("fileName")).isEqualTo("capture.png");
        assertThat(files.getJsonObject(0).getString("contentType")).isEqualTo("image/png");
        assertThat(files.getJsonObject(1).getString("fileName")).isEqualTo("relevé.pdf");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
        assertThat(files.getJsonObject(0).getString("sha256")).isEqualTo(sha256);

        // Downloaded as opaque bytes, never rendered.
        HttpResponse<byte[]> download = Api.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/reports/" + reference + "/files/"
                + files.getJsonObject(0).getInt("id"))).header("Authorization", "Bearer " + helpdesk).GET());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(png);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment;"));
        assertThat(download.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // Stored under random names in the data directory, not under the names sent.
        try (Stream<Path> stored = Files.list(server.dataDir().resolve("report-files"))) {
            assertThat(stored.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("capture") || n.contains("relev") || n.contains(".."));
        }

        // The pre-complaint: facts, evidence with its digest, the letter to the procureur; HTML printed as typed.
        HttpResponse<byte[]> pdf = Api.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/reports/" + reference + "/pdf"))
                .header("Authorization", "Bearer " + helpdesk).GET());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/pdf"));
        String text;
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            text = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        }
        assertThat(text).contains(reference).contains("Durand").contains(SCRIPT).contains("Banque <i>Exemple</i>").contains("capture.png")
                .contains(sha256).contains("procureur").contains("226-4-1");
        assertThat(text.indexOf("Durand")).isLessThan(text.indexOf("votre carte Vitale"));

        // Only the helpdesk and the member who filed it read it.
        assertThat(Api.get("/api/v1/reports/" + reference, null).statusCode()).isEqualTo(401);
        assertThat(Api.get("/api/v1/reports/" + reference, server.token()).statusCode()).isEqualTo(404);
        assertThat(Api.get("/api/v1/reports/" + reference + "/pdf", server.token("security-admin")).statusCode()).isEqualTo(404);
        assertThat(Api.get("/api/v1/reports/SIG-AAAA-AAAA-A", helpdesk).statusCode()).isEqualTo(404);
    }

    @Test
    void refusedFilesFileNothingAndSayWhichFileAndWhy() throws Exception {
        long before = storedFiles();
        String key = "bad-files-" + UUID.randomUUID();
        byte[] png = png();
        Multipart six = new Multipart().json("report", report(key));
        for (int i = 1; i <= 6; i++) {
            six.file("files", "capture-" + i + ".png", "image/png", png);
        }
        HttpResponse<String> tooMany = post(six);
        assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.body()).contains("\"field\":\"files\"").contains("5");

        HttpResponse<String> zip = post(new Multipart().json("report", report(key)).file("files", "capture.png", "image/png", zip()));
        assertThat(zip.statusCode()).isEqualTo(400);
        assertThat(zip.body()).contains("\"field\":\"files\"").contains("capture.png");

        HttpResponse<String> script = post(new Multipart().json("report", report(key)).file("files", "ok.png", "image/png", png)
                .file("files", "facture.pdf", "application/pdf", pdf(true)));
        assertThat(script.statusCode()).isEqualTo(400);
        assertThat(script.body()).contains("pdf-active-content").contains("facture.pdf");

        // 50 MB: refused from its declared length, before it is read.
        byte[] big = new byte[50 * 1024 * 1024];
        HttpResponse<String> huge = post(new Multipart().json("report", report(key)).file("files", "scan.pdf", "application/pdf", big));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));

        // A bad form with good files: the form is checked first.
        HttpResponse<String> badForm = post(new Multipart().json("report", report(key).replace("2026-02-03", "2999-01-01"))
                .file("files", "ok.png", "image/png", png));
        assertThat(badForm.statusCode()).isEqualTo(400);
        assertThat(badForm.body()).contains("occurredOn");

        if (server.postgresql()) {
            assertThat(rows("select count(*) from report where submission_key = ?", key)).isZero();
            assertThat(rows("select count(*) from report_upload where draft_key = ?", key)).isZero();
        }
        assertThat(storedFiles()).isEqualTo(before);
    }

    @Test
    void theFormPagesRefuseAPostWithoutTheirCsrfTokenAndFileOneReportPerForm() throws Exception {
        FormClient browser = new FormClient(server);
        String page = browser.get("/report").body();
        assertThat(page).contains("name=\"submissionKey\"").contains("lang=\"fr\"");
        String key = page.replaceAll("(?s).*name=\"submissionKey\" value=\"([^\"]+)\".*", "$1");
        String csrf = browser.csrf().orElseThrow();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("page", "summary");
        form.put("go", "send");
        form.put("kinds", "SUSPICIOUS_MESSAGE");
        form.put("channel", "LETTER");
        form.put("claimedSender", "MUTUAL");
        form.put("occurredOn", "03/02/2026");
        form.put("messageText", "Renvoyez votre RIB " + SCRIPT);
        form.put("lastName", "Petit");
        form.put("firstName", "Louis");
        form.put("birthDate", "07/08/1955");
        form.put("contactEmail", "louis.petit@exemple.fr");
        form.put("submissionKey", key);

        assertThat(browser.post("/report", form, null).statusCode()).isEqualTo(403);
        Multipart upload = new Multipart().field("page", "evidence").field("submissionKey", key).file("files", "a.png", "image/png", png());
        assertThat(browser.send(HttpRequest.newBuilder(server.uri("/report/evidence")).header("Content-Type", upload.contentType())
                .POST(upload.publisher())).statusCode()).isEqualTo(403);
        if (server.postgresql()) {
            assertThat(rows("select count(*) from report_upload where draft_key = ?", key)).isZero();
        }

        HttpResponse<String> sent = browser.post("/report", form, csrf);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
        String filed = sent.headers().firstValue("Location").orElseThrow();
        assertThat(filed).matches(".*/report/filed/SIG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]");
        HttpResponse<String> again = browser.post("/report", form, csrf);
        assertThat(again.headers().firstValue("Location")).hasValue(filed);
        if (server.postgresql()) {
            assertThat(rows("select count(*) from report where submission_key = ?", key)).isEqualTo(1);
        }

        String reference = filed.substring(filed.lastIndexOf('/') + 1);
        assertThat(Api.jsonArray(Api.get("/api/v1/reports", server.token("helpdesk-agent"))).stream()
                .filter(r -> r.asJsonObject().getString("reference").equals(reference))).hasSize(1);
        HttpResponse<String> done = browser.get("/report/filed/" + reference);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains(reference).contains("href=\"/report/" + reference + "/pdf\"");
        HttpResponse<String> view = browser.get("/report/" + reference);
        assertThat(view.body()).contains("Renvoyez votre RIB &lt;script&gt;").doesNotContain(SCRIPT);
        assertThat(browser.send(HttpRequest.newBuilder(server.uri("/report/" + reference + "/pdf")).GET()).statusCode()).isEqualTo(200);
        // Another browser cannot read it.
        assertThat(new FormClient(server).get("/report/filed/" + reference).statusCode()).isEqualTo(404);
        assertThat(new FormClient(server).get("/report/" + reference + "/pdf").statusCode()).isEqualTo(404);
    }

    @Test
    void theHelpdeskTriagesInTheConsoleAndEveryChangeIsAudited() throws Exception {
        HttpResponse<String> created = post(new Multipart().json("report", report("triage-" + UUID.randomUUID())));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String reference = Api.json(created).getString("reference");

        FormClient agent = new FormClient(server);
        HttpResponse<String> signInFirst = agent.get("/staff/reports");
        assertThat(signInFirst.statusCode()).isEqualTo(303);
        assertThat(signInFirst.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/staff/signin"));
        StaffSignInIT.signIn(agent, "agent", StaffSignInIT.AGENT_PASSWORD);
        assertThat(StaffSignInIT.code(agent, StaffSignInIT.freshCode(StaffSignInIT.AGENT_SECRET)).statusCode()).isEqualTo(303);

        HttpResponse<String> queue = agent.get("/staff/reports?status=NEW");
        assertThat(queue.statusCode()).isEqualTo(200);
        assertThat(queue.body()).contains("href=\"/staff/reports/" + reference + "\"").contains("id=\"clusters\"");

        HttpResponse<String> page = agent.get("/staff/reports/" + reference);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Bonjour &lt;script&gt;alert(1)&lt;/script&gt;").contains("Banque &lt;i&gt;Exemple&lt;/i&gt;")
                .doesNotContain(SCRIPT).doesNotContain("<i>Exemple");
        String csrf = agent.csrf().orElseThrow();
        assertThat(agent.post("/staff/reports/" + reference + "/assignment", Map.of("assignee", "me"), csrf).statusCode()).isEqualTo(303);
        assertThat(agent.post("/staff/reports/" + reference + "/notes", Map.of("body", "Rappelée, <b>plainte</b> conseillée"), csrf).statusCode())
                .isEqualTo(303);
        assertThat(agent.post("/staff/reports/" + reference + "/status", Map.of("status", "CLOSED"), csrf).statusCode()).isEqualTo(303);
        assertThat(agent.post("/staff/reports/" + reference + "/notes", Map.of("body", "sans jeton"), null).statusCode()).isEqualTo(403);
        page = agent.get("/staff/reports/" + reference);
        assertThat(page.body()).contains("id=\"assignee\">agent<").contains("id=\"status\">Clos<")
                .contains("Rappelée, &lt;b&gt;plainte&lt;/b&gt; conseillée").doesNotContain("sans jeton");

        // The same through the API: the queue by status, the note, a change; a bad status is named.
        String helpdesk = server.token("helpdesk-supervisor");
        assertThat(Api.get("/api/v1/reports?status=CLOSED", helpdesk).body()).contains(reference);
        HttpResponse<String> reopened = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/reports/" + reference))
                .header("Authorization", "Bearer " + helpdesk).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"IN_PROGRESS\",\"assignee\":\"\"}")));
        assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
        assertThat(Api.json(reopened).getString("status")).isEqualTo("IN_PROGRESS");
        assertThat(Api.json(reopened).containsKey("assignee")).isFalse();
        assertThat(Api.json(reopened).getJsonArray("notes").getJsonObject(0).getString("body")).isEqualTo("Rappelée, <b>plainte</b> conseillée");
        assertThat(Api.send(HttpRequest.newBuilder(server.uri("/api/v1/reports/" + reference)).header("Authorization", "Bearer " + helpdesk)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"DONE\"}")))
                .statusCode()).isEqualTo(400);
        assertThat(Api.send(HttpRequest.newBuilder(server.uri("/api/v1/reports/" + reference)).header("Authorization", "Bearer "
                + server.token("security-admin")).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"CLOSED\"}"))).statusCode()).isEqualTo(403);
        assertThat(Api.postJson("/api/v1/reports/" + reference + "/notes", helpdesk, "{\"body\":\"\"}").statusCode()).isEqualTo(400);
        assertThat(Api.postJson("/api/v1/reports/" + reference + "/notes", helpdesk, "{\"body\":\"Campagne SMS du 3 février\"}").statusCode())
                .isEqualTo(201);

        if (server.postgresql()) {
            auditedInOrder(reference);
        }
        assertThat(Api.json(Api.get("/api/v1/audit/verification", server.token("security-admin"))).getBoolean("intact")).isTrue();
    }

    private void auditedInOrder(String reference) throws Exception {
        try (var db = server.database(); var s = db.prepareStatement("select action from audit_event where subject = ? order by seq")) {
            s.setString(1, reference);
            java.util.List<String> actions = new java.util.ArrayList<>();
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    actions.add(r.getString(1));
                }
            }
            assertThat(actions).containsSubsequence("report.submitted", "report.assigned", "report.note-added", "report.status-changed",
                    "report.assigned", "report.status-changed", "report.note-added");
        }
    }
}
