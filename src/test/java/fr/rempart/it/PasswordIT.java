package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The breached-password range API, the password checks and the forgotten-password flow, over HTTP. */
class PasswordIT {

    private static final String PASSWORD = "une phrase de passe assez longue";
    private final RempartServer server = RempartServer.get();

    @Test
    void theRangeApiAnswersLikeHibpForAKnownPrefix() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8, in the default corpus.
        HttpResponse<String> r = Api.get("/api/v1/pwned-passwords/range/5baa6", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        List<String> lines = List.of(r.body().split("\r\n"));
        assertThat(lines).allMatch(l -> l.matches("[0-9A-F]{35}:\\d+")).contains("1E4C9B93F3F0682250B6CF8331B7EE68FD8:1");
        assertThat(lines).isSortedAccordingTo(String::compareTo);
    }

    @Test
    void paddingHidesHowManyRealLinesThereAre() {
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/pwned-passwords/range/5BAA6")).header("Add-Padding", "true"));
        List<String> lines = List.of(r.body().split("\r\n"));
        assertThat(lines.size()).isBetween(800, 1000);
        assertThat(lines).contains("1E4C9B93F3F0682250B6CF8331B7EE68FD8:1");
        assertThat(lines.stream().filter(l -> l.endsWith(":0")).count()).isEqualTo(lines.size() - lines.stream().filter(l -> !l.endsWith(":0")).count());
    }

    @Test
    void aMalformedPrefixIsA400Problem() {
        for (String prefix : new String[]{"5BAA", "5BAA61", "XYZ12"}) {
            HttpResponse<String> r = Api.get("/api/v1/pwned-passwords/range/" + prefix, null);
            assertThat(r.statusCode()).as(prefix).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void aClientGetsTheVerdictWithEveryBrokenRule() {
        JsonObject verdict = Api.json(Api.postJson("/api/v1/password-checks", null, "{\"password\":\"password\"}"));
        assertThat(verdict.getBoolean("acceptable")).isFalse();
        var codes = verdict.getJsonArray("violations").getValuesAs(JsonObject.class).stream().map(v -> v.getString("code")).toList();
        assertThat(codes).contains("TOO_SHORT", "BREACHED", "TOO_GUESSABLE");
        assertThat(verdict.getJsonNumber("estimatedGuessesLog10").doubleValue()).isLessThan(5);

        JsonObject good = Api.json(Api.postJson("/api/v1/password-checks", null, "{\"password\":\"" + PASSWORD + "\"}"));
        assertThat(good.getBoolean("acceptable")).isTrue();
        assertThat(good.getJsonArray("violations")).isEmpty();
    }

    @Test
    void aSignedInMemberIsCheckedAgainstTheirOwnData() {
        String number = Api.newMemberNumber();
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), Api.member(number, number.toLowerCase() + "@example.org", PASSWORD)).statusCode()).isEqualTo(201);
        FormClient browser = new FormClient(server);
        browser.signIn(number, PASSWORD);
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(server.uri("/api/v1/password-checks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"Lefevre-Dupont et la grande marée\"}")));
        var codes = Api.json(r).getJsonArray("violations").getValuesAs(JsonObject.class).stream().map(v -> v.getString("code")).toList();
        assertThat(codes).contains("PERSONAL_DATA");
        // Without the session, the same password has nothing personal to break.
        JsonObject anonymous = Api.json(Api.postJson("/api/v1/password-checks", null, "{\"password\":\"Lefevre-Dupont et la grande marée\"}"));
        assertThat(anonymous.getJsonArray("violations").getValuesAs(JsonObject.class)).noneMatch(v -> v.getString("code").equals("PERSONAL_DATA"));
    }

    @Test
    void badBodiesGetClearErrors() {
        assertThat(Api.postJson("/api/v1/password-checks", null, "").statusCode()).isEqualTo(400);
        assertThat(Api.postJson("/api/v1/password-checks", null, "{\"password\": 12}").statusCode()).isEqualTo(400);
        assertThat(Api.postJson("/api/v1/password-checks", null, "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> huge = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/password-checks")).expectContinue(true)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + "x".repeat(100_000) + "\"}")));
        assertThat(huge.statusCode()).isEqualTo(413);
        JsonObject control = Api.json(Api.postJson("/api/v1/password-checks", null, "{\"password\":\"une phrase\\u0000 de passe assez longue\"}"));
        assertThat(control.getJsonArray("violations").getValuesAs(JsonObject.class)).anyMatch(v -> v.getString("code").equals("CONTROL_CHARACTER"));
        JsonObject surrogate = Api.json(Api.postJson("/api/v1/password-checks", null, "{\"password\":\"une phrase \\uD800 de passe assez longue\"}"));
        assertThat(surrogate.getJsonArray("violations").getJsonObject(0).getString("code")).isEqualTo("INVALID_UNICODE");
    }

    @Test
    void aForgottenPasswordIsResetThroughASingleUseLinkSentToTheAddressOnFile() throws Exception {
        String number = Api.newMemberNumber();
        String email = number.toLowerCase() + "@example.org";
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), Api.member(number, email, PASSWORD)).statusCode()).isEqualTo(201);

        FormClient stranger = new FormClient(server);
        String unknownAnswer = stranger.submit("/password/forgot", "/password/forgot", Map.of("email", "nobody-" + number.toLowerCase() + "@example.org")).body();
        FormClient member = new FormClient(server);
        String knownAnswer = member.submit("/password/forgot", "/password/forgot", Map.of("email", email)).body();
        assertThat(knownAnswer.replaceAll("value=\"[^\"]*\"", "")).isEqualTo(unknownAnswer.replaceAll("value=\"[^\"]*\"", ""));

        String mail = awaitMail(email, "/password/reset?token=");
        Matcher link = Pattern.compile("https?://[^\\s]+/password/reset\\?token=([A-Za-z0-9_-]{22})").matcher(mail);
        assertThat(link.find()).as(mail).isTrue();
        String token = link.group(1);
        assertThat(mail).doesNotContain("2 84 05").contains("3676");

        HttpResponse<String> page = member.get("/password/reset?token=" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("autocomplete=\"new-password\"");
        HttpResponse<String> weak = member.post("/password/reset", Map.of("token", token, "newPassword", "password", "confirmPassword", "password"),
                member.csrf().orElseThrow());
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("au moins 15 caractères").contains("fuites de données");

        HttpResponse<String> done = member.post("/password/reset", Map.of("token", token, "newPassword", "le héron cendré du marais poitevin",
                "confirmPassword", "le héron cendré du marais poitevin"), member.csrf().orElseThrow());
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin?passwordChanged"));
        assertThat(new FormClient(server).signIn(number, "le héron cendré du marais poitevin").statusCode()).isEqualTo(303);
        assertThat(new FormClient(server).signIn(number, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(member.get("/password/reset?token=" + token).statusCode()).as("single use").isEqualTo(400);
        assertThat(awaitMail(email, "a été changé")).isNotEmpty();
    }

    private String awaitMail(String recipient, String containing) throws IOException, InterruptedException {
        return Mailbox.await(server, recipient, containing);
    }
}
