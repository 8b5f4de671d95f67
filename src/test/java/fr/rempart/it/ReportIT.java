package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Filing an alert through the API, anyone may; reading the queue, only the helpdesk. */
class ReportIT {

    private final RempartServer server = RempartServer.get();

    private static String report(String key) {
        return """
                {"kinds":["SUSPICIOUS_MESSAGE","MONEY_TAKEN"],"channel":"SMS","claimedSender":"MUTUAL","occurredOn":"2026-01-12",
                 "senderNumber":"+33 7 00 11 22 33","linkOrNumber":"https://www.mutuelle-rembourse.example/a?b=1",
                 "messageText":"<b>Votre remboursement</b> attend : cliquez","amount":"120","paymentMethod":"carte",
                 "lastName":"Martin","firstName":"Paul","birthDate":"1970-02-03","contactEmail":"paul.martin@exemple.fr",
                 "submissionKey":"%s"}
                """.formatted(key);
    }

    @Test
    void anyoneFilesAReportAndTheSameFormPostedTwiceGivesOneReference() throws Exception {
        String key = "it-" + UUID.randomUUID();
        String contact = "paul.martin." + UUID.randomUUID().toString().substring(0, 8) + "@exemple.fr";
        HttpResponse<String> created = Api.postJson("/api/v1/reports", null, report(key).replace("paul.martin@exemple.fr", contact));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String reference = Api.json(created).getString("reference");
        assertThat(reference).matches("SIG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]");
        // Money taken after an SMS: the bank first, then 17Cyber, 33700, THESEE and Perceval — and an acknowledgment with them, no link.
        assertThat(Api.json(created).getJsonArray("nextSteps").stream().map(v -> v.asJsonObject().getString("code")).toList())
                .containsExactly("BANK_FIRST", "CYBER_17", "SMS_33700", "THESEE", "PERCEVAL");
        // The address given is not proven: a code goes to it, and the acknowledgment once the code comes back.
        assertThat(Api.json(created).getString("acknowledgement")).isEqualTo("CONFIRMATION_SENT");
        String codeMail = Mailbox.await(server, contact, "code");
        assertThat(codeMail).doesNotContain(reference).doesNotContain("Martin");
        HttpResponse<String> confirmed = Api.postJson("/api/v1/reports/" + reference + "/contact-confirmation", null,
                "{\"code\":\"" + codeMail.replaceAll("(?s).*?\\b(\\d{6})\\b.*", "$1") + "\"}");
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        String acknowledgment = Mailbox.await(server, contact, reference);
        assertThat(acknowledgment).contains("33700").contains("THESEE").doesNotContain("mutuelle-rembourse").doesNotContain("Paul");

        HttpResponse<String> again = Api.postJson("/api/v1/reports", null, report(key).replace("paul.martin@exemple.fr", contact));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(Api.json(again).getString("reference")).isEqualTo(reference);

        HttpResponse<String> queue = Api.get("/api/v1/reports?status=NEW", server.token("helpdesk-agent"));
        assertThat(queue.statusCode()).as(queue.body()).isEqualTo(200);
        JsonObject mine = Api.jsonArray(queue).stream().map(v -> v.asJsonObject())
                .filter(r -> r.getString("reference").equals(reference)).findFirst().orElseThrow();
        assertThat(mine.getString("status")).isEqualTo("NEW");
        assertThat(mine.getString("channel")).isEqualTo("SMS");
        assertThat(mine.getJsonObject("cluster").getString("number")).isEqualTo("0700112233");
        assertThat(mine.getJsonObject("cluster").getString("link")).isEqualTo("mutuelle-rembourse.example/a");
        assertThat(queue.body()).doesNotContain("remboursement</b>").doesNotContain("Martin");
        assertThat(Api.jsonArray(queue).stream().filter(v -> v.asJsonObject().getString("reference").equals(reference))).hasSize(1);
        assertThat(Api.get("/api/v1/reports?status=CLOSED", server.token("helpdesk-supervisor")).body()).doesNotContain(reference);
    }

    @Test
    void aBadReportNamesEveryFieldAndStoresNothing() {
        String bad = """
                {"kinds":["MONEY_TAKEN"],"channel":"CALL","claimedSender":"MUTUAL","occurredOn":"2999-01-01","amount":"0",
                 "lastName":"Martin","firstName":"Paul","birthDate":"1970-02-03","submissionKey":"it-bad-0123456789abcdef"}
                """;
        HttpResponse<String> refused = Api.postJson("/api/v1/reports", null, bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"field\":\"occurredOn\"").contains("\"field\":\"senderNumber\"")
                .contains("\"field\":\"amount\"").contains("\"field\":\"contactEmail\"");
        assertThat(Api.get("/api/v1/reports", server.token("helpdesk-agent")).body()).doesNotContain("it-bad");
        assertThat(Api.postJson("/api/v1/reports", null, report("it-" + UUID.randomUUID()).replace("\"amount\"", "\"amout\"")).statusCode())
                .isEqualTo(400);
    }

    @Test
    void onlyTheHelpdeskReadsTheQueue() {
        assertThat(Api.get("/api/v1/reports", null).statusCode()).isEqualTo(401);
        assertThat(Api.get("/api/v1/reports", server.token()).statusCode()).isEqualTo(403);
        assertThat(Api.get("/api/v1/reports", server.token("security-admin")).statusCode()).isEqualTo(403);
        assertThat(Api.get("/api/v1/reports?status=LOST", server.token("helpdesk-agent")).statusCode()).isEqualTo(400);
    }

    @Test
    void anonymousReportsAreLimitedPerAddress() {
        String address = "198.51.100." + (int) (Math.random() * 200 + 20);
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> answer = Api.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/reports"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(report("limit-" + UUID.randomUUID()))));
            if (answer.statusCode() == 429) {
                refused++;
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            } else {
                assertThat(answer.statusCode()).isEqualTo(201);
            }
        }
        assertThat(refused).isEqualTo(2); // ten a minute from one address
    }

    @Test
    void reportsFromOneCampaignShowUpAsOneClusterWithItsCount() {
        String digits = String.format("%08d", (long) (Math.random() * 100_000_000));
        for (String written : new String[]{"+33 6 " + digits, "06" + digits, "0033 6" + digits}) {
            HttpResponse<String> filed = Api.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/reports"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "203.0.113." + (int) (Math.random() * 200 + 20))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(report("cluster-" + UUID.randomUUID()).replace("+33 7 00 11 22 33", written))));
            assertThat(filed.statusCode()).as(filed.body()).isEqualTo(201);
        }
        HttpResponse<String> clusters = Api.get("/api/v1/reports/clusters", server.token("helpdesk-agent"));
        assertThat(clusters.statusCode()).isEqualTo(200);
        JsonObject campaign = Api.jsonArray(clusters).stream().map(v -> v.asJsonObject())
                .filter(c -> c.getString("key").equals("06" + digits)).findFirst().orElseThrow();
        assertThat(campaign.getString("by")).isEqualTo("number");
        assertThat(campaign.getInt("count")).isEqualTo(3);
        assertThat(Api.get("/api/v1/reports/clusters", server.token("security-admin")).statusCode()).isEqualTo(403);
    }
}
