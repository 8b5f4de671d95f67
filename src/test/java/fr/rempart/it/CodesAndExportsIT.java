package fr.rempart.it;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, as the abuser does it: a genuine verification code (a photographed letter) printed on a
 * mass phishing mail and checked by its many recipients; a formula planted in a member's fields,
 * waiting for whoever opens an export in a spreadsheet.
 */
class CodesAndExportsIT {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private static final Pattern CODE = Pattern.compile("Code de vérification : ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})");
    private final RempartServer server = RempartServer.get();

    private String admin() {
        return server.token("security-admin");
    }

    private String member(String nir, String email, String addressLine) {
        String number = Api.newMemberNumber();
        String body = JsonObjectText.of(Map.of("memberNumber", number, "nir", nir, "lastName", "Lefèvre-Dupont", "firstName", "Hélène",
                "birthDate", "12/05/1984", "sex", "F", "email", email, "phone", "06 11 22 33 44"), addressLine);
        HttpResponse<String> created = Api.postJson("/api/v1/members", admin(), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return number;
    }

    /** A member's JSON with a postal address, values escaped by the JSON library (they hold quotes on purpose). */
    private static final class JsonObjectText {
        static String of(Map<String, String> fields, String addressLine) {
            var builder = jakarta.json.Json.createObjectBuilder();
            fields.forEach(builder::add);
            builder.add("address", jakarta.json.Json.createObjectBuilder().add("line1", addressLine).add("postcode", "69003").add("city", "Lyon"));
            return builder.build().toString();
        }
    }

    private JsonObject flag(String incident, String csv) throws InterruptedException {
        HttpResponse<String> accepted = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists"))
                .header("Authorization", "Bearer " + admin()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv.getBytes(StandardCharsets.UTF_8))));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = Api.json(accepted).getString("id");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            JsonObject job = Api.json(Api.get("/api/v1/breach-jobs/" + id, admin()));
            if (!"RUNNING".equals(job.getString("status"))) {
                assertThat(job.getString("status")).isEqualTo("DONE");
                return job;
            }
            Thread.sleep(200); // the server (another process) works in the background: poll
        }
        throw new AssertionError("job " + id + " still running");
    }

    private HttpResponse<String> check(String code, String address) {
        return Api.send(HttpRequest.newBuilder(server.uri("/api/v1/message-checks")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", address).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")));
    }

    /** A new security administrator, through the staff API: their username and initial password. */
    private Map.Entry<String, String> securityAdministrator() {
        String username = "codes.admin" + System.nanoTime() % 1_000_000;
        HttpResponse<String> created = Api.postJson("/api/v1/staff", admin(), ("{\"username\":\"%s\",\"displayName\":\"Nadia Roux\","
                + "\"email\":\"%s@mutuelle.example\",\"groups\":[\"security-admin\"]}").formatted(username, username));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Map.entry(username, Api.json(created).getString("initialPassword"));
    }

    /** The administrator's first sign-in (enrolment, own password), as BreachListIT does it. */
    private FormClient signIn(Map.Entry<String, String> admin) {
        String username = admin.getKey();
        FormClient browser = new FormClient(server);
        browser.submit("/staff/signin", "/staff/signin", Map.of("username", username, "password", admin.getValue()));
        Matcher key = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>").matcher(browser.get("/staff/signin/enrol").body());
        assertThat(key.find()).isTrue();
        browser.post("/staff/signin/enrol", Map.of("code", TotpIT.oathtool(key.group(1).replace(" ", ""), Instant.now().getEpochSecond())),
                browser.csrf().orElseThrow());
        String chosen = "une phrase de passe pour la campagne";
        browser.submit("/staff/signin/password", "/staff/signin/password", Map.of("newPassword", chosen, "confirmPassword", chosen));
        return browser;
    }

    @Test
    void aGenuineCodeCheckedFromFiftyAddressesIsAnsweredLikelyCopiedAndAlertsTheSecurityAdminsOnce() throws Exception {
        Map.Entry<String, String> admin = securityAdministrator();
        String adminEmail = admin.getKey() + "@mutuelle.example";
        String incident = BreachListIT.incident();
        String nir = Api.newNir();
        String email = "copie." + System.nanoTime() + "@example.org";
        member(nir, email, "3 place du Marché");
        flag(incident, "nir;nom;prenom;date_naissance;sexe\n" + nir + ";Lefèvre-Dupont;Hélène;12/05/1984;F\n");
        Matcher code = CODE.matcher(Mailbox.await(server, email, "Code de vérification"));
        assertThat(code.find()).isTrue();

        // The letter photographed and printed on a phishing mail: its recipients check the code, each from their own address.
        String prefix = "203.0." + (int) (Math.random() * 200 + 20) + ".";
        for (int i = 1; i <= 50; i++) {
            HttpResponse<String> answer = check(code.group(1), prefix + i);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonObject json = Api.json(answer);
            if (i < 20) {
                assertThat(json.getString("verdict")).as("check %d", i).isEqualTo("GENUINE");
                assertThat(json.getBoolean("genuine")).isTrue();
                assertThat(json.getBoolean("likelyCopied")).isFalse();
            } else {
                // From the twentieth distinct address (rempart.message-check.copied-addresses): proves nothing any more.
                assertThat(json.getString("verdict")).as("check %d", i).isEqualTo("COPIED");
                assertThat(json.getBoolean("genuine")).isFalse();
                assertThat(json.getBoolean("likelyCopied")).isTrue();
                assertThat(json.getString("advice")).contains("recopié").contains("Ne faites pas confiance");
                assertThat(json.getString("channel")).isEqualTo("EMAIL"); // what the real message was, to compare with
            }
        }
        // The same address again, and the public page: still copied, and no second alert.
        assertThat(Api.json(check(code.group(1), prefix + 1)).getString("verdict")).isEqualTo("COPIED");
        String page = new FormClient(server).submit("/message-check", "/message-check", Map.of("code", code.group(1))).body();
        assertThat(page).contains("Ce code a été vu sur de nombreux messages").contains("id=\"copied\"").doesNotContain("Ce message vient bien de nous.");

        // One mail to the security admin, naming the code, and one audit entry.
        assertThat(Mailbox.await(server, adminEmail, "recopié")).contains(code.group(1)).contains("20 connexions").contains(incident);
        assertThat(Mailbox.count(server, adminEmail, code.group(1))).isEqualTo(1);
        if (server.postgresql()) {
            // The alert is queued in the transaction of the check that crossed the threshold: every check has answered,
            // so a second alert would already be in the outbox (no waiting for the sender). MessageCheckCountsTest pins it on H2.
            assertThat(count(server, "select count(*) from outbox_message where recipient = ?", adminEmail)).isEqualTo(1);
            assertThat(count(server, "select count(*) from audit_event where action = 'message-code.copied' and subject = ?", code.group(1)))
                    .isEqualTo(1);
        }
        // The campaign counts the incident's copied codes, in its JSON and on its page.
        assertThat(Api.json(Api.get("/api/v1/incidents/" + incident + "/campaign", admin())).getInt("copiedCodes")).isEqualTo(1);
        HttpResponse<String> campaign = signIn(admin).get("/staff/incidents/" + incident + "/campaign");
        assertThat(campaign.body()).as(campaign.statusCode() + " " + campaign.headers().map()).contains("id=\"copied-codes\">1<");
    }

    private static long count(RempartServer server, String sql, String parameter) throws java.sql.SQLException {
        try (var db = server.database(); var s = db.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void formulasPlantedInAMembersFieldsComeOutAsTextInEveryExportAndTheAccentsSurvive() throws Exception {
        String incident = BreachListIT.incident();
        String nir = Api.newNir();
        String dde = "=cmd|'/Ccalc'!A0." + System.nanoTime() + "@example.org"; // a valid e-mail address, and a DDE formula
        String link = "=HYPERLINK(\"http://evil.example/\",\"Cliquez ici\")";
        String number = member(nir, dde, link);
        String badKey = nir.substring(0, 13) + (nir.endsWith("00") ? "01" : "00");
        JsonObject job = flag(incident, "nir;nom;prenom;date_naissance;sexe\n" + nir + ";Lefèvre-Dupont;Hélène;12/05/1984;F\n"
                + badKey + ";Martin;Léa;12/05/1984;F\n");
        assertThat(job.getInt("flagged")).isEqualTo(1);

        List<CsvRecord> atRisk = csv("/api/v1/incidents/" + incident + "/at-risk");
        assertThat(atRisk.get(0).getFields()).containsExactly("member_number", "nom", "prenom", "courriel", "telephone", "a_faire");
        assertThat(atRisk.get(1).getField(0)).isEqualTo(number);
        assertThat(atRisk.get(1).getField(1)).isEqualTo("Lefèvre-Dupont");
        assertThat(atRisk.get(1).getField(2)).isEqualTo("Hélène");
        assertThat(atRisk.get(1).getField(3)).isEqualTo("'" + dde);

        List<CsvRecord> rejects = csv("/api/v1/breach-jobs/" + job.getString("id") + "/rejects");
        assertThat(rejects.get(0).getFields()).containsExactly("line", "code", "column");
        assertThat(rejects.get(1).getFields()).containsExactly("3", "NIR_KEY", "nir");
        assertThat(csv("/api/v1/breach-jobs/" + job.getString("id") + "/review")).hasSize(1);

        // The print shop's manifest: the planted link in the address is text, the name keeps its accents.
        HttpResponse<String> print = Api.postJson("/api/v1/incidents/" + incident + "/letter-batches", admin(), "{}");
        assertThat(print.statusCode()).as(print.body()).isIn(201, 204);
        JsonObject batch = Api.jsonArray(Api.get("/api/v1/incidents/" + incident + "/letter-batches", admin())).getJsonObject(0);
        List<CsvRecord> manifest = csv(batch.getString("manifest"));
        assertThat(manifest.get(1).getField(4)).isEqualTo("Hélène Lefèvre-Dupont");
        assertThat(manifest.get(1).getField(5)).isEqualTo("'" + link + " / 69003 Lyon");
    }

    /** An export's bytes: a UTF-8 byte order mark first (Excel then reads the accents right), then the records. */
    private List<CsvRecord> csv(String path) throws Exception {
        HttpResponse<byte[]> response = Api.sendBytes(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + admin()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Arrays.copyOf(response.body(), 3)).as(path).containsExactly(0xEF, 0xBB, 0xBF);
        String text = new String(response.body(), 3, response.body().length - 3, StandardCharsets.UTF_8);
        try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(';').ofCsvRecord(text)) {
            return reader.stream().toList();
        }
    }
}
