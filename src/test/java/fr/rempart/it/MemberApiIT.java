package fr.rempart.it;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

class MemberApiIT {

    private final RempartServer server = RempartServer.get();
    private final String admin = server.token("security-admin");

    @Test
    void adminCreatesThenUpdatesAMemberAndTheNirIsNeverShownWhole() {
        String number = Api.newMemberNumber();
        String nir = Api.newNir();
        HttpResponse<String> created = Api.postJson("/api/v1/members", admin, Api.member(number, nir, number.toLowerCase() + "@example.org", null));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/members/" + number));
        JsonObject body = Api.json(created);
        assertThat(body.getString("memberNumber")).isEqualTo(number);
        assertThat(body.getString("nir")).isEqualTo("2 84 05 ** *** *** " + nir.substring(13));
        assertThat(created.body()).doesNotContain(nir).doesNotContain(nir.substring(5, 13));
        assertThat(body.getString("phone")).isEqualTo("+33611223344");
        assertThat(body.getString("birthDate")).isEqualTo("1984-05-12");

        HttpResponse<String> read = Api.get("/api/v1/members/" + number, server.token("helpdesk-agent"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Api.json(read).getString("nir")).isEqualTo(body.getString("nir"));
        assertThat(Api.get("/api/v1/members/NOBODY99", admin).statusCode()).isEqualTo(404);

        HttpResponse<String> updated = Api.postJson("/api/v1/members", admin, Api.member(number, nir, number.toLowerCase() + "@example.net", null));
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(Api.json(updated).getString("email")).isEqualTo(number.toLowerCase() + "@example.net");
    }

    @Test
    void withoutATokenTheApiAnswers401AsProblemDetails() {
        HttpResponse<String> r = Api.postJson("/api/v1/members", null, Api.member(Api.newMemberNumber(), "x@example.org", null));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(Api.json(r).getInt("status")).isEqualTo(401);
    }

    @Test
    void tokensThatProveNothingAreRefused() throws Exception {
        String json = Api.member(Api.newMemberNumber(), "y@example.org", null);
        var stranger = new ECKeyGenerator(Curve.P_256).keyID("test-1").generate();
        Instant now = Instant.now();
        String[] bad = {
                RempartServer.sign(server.claims("security-admin").build(), stranger),
                server.token(server.claims("security-admin").expirationTime(Date.from(now.minusSeconds(120))).build()),
                server.token(server.claims("security-admin").notBeforeTime(Date.from(now.plusSeconds(600))).build()),
                server.token(server.claims("security-admin").audience("someone-else").build()),
                server.token(server.claims("security-admin").issuer("https://evil.example").build()),
                // alg=none: header {"alg":"none"} and the claims of a valid token, no signature
                "eyJhbGciOiJub25lIn0." + server.token("security-admin").split("\\.")[1] + ".",
                "not-a-jwt"};
        for (String token : bad) {
            HttpResponse<String> r = Api.postJson("/api/v1/members", token, json);
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
        }
    }

    @Test
    void aTokenWithoutTheAdminGroupGets403() {
        HttpResponse<String> r = Api.postJson("/api/v1/members", server.token("helpdesk-agent"), Api.member(Api.newMemberNumber(), "z@example.org", null));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void eachBadFieldIsNamedAndNothingIsWritten() {
        String number = Api.newMemberNumber();
        String json = """
                {"memberNumber":"%s","nir":"2 55 08 14 168 025 00","lastName":"%s","firstName":"Jean",
                 "birthDate":"2999-01-01","sex":"X","email":"not-an-email","phone":"12",
                 "address":{"line1":"1 rue","postcode":"ABCDE","city":"Paris"}}
                """.formatted(number, "L".repeat(101));
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, json);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject problem = Api.json(r);
        assertThat(problem.getString("type")).isEqualTo("tag:rempart,2026:problem:validation");
        var fields = problem.getJsonArray("errors").getValuesAs(JsonObject.class).stream().map(e -> e.getString("field")).toList();
        assertThat(fields).contains("nir", "lastName", "birthDate", "sex", "email", "phone", "address.postcode");
        assertThat(problem.getJsonArray("errors").getValuesAs(JsonObject.class)).anySatisfy(e -> {
            assertThat(e.getString("field")).isEqualTo("nir");
            assertThat(e.getString("code")).isEqualTo("ValidNir");
            assertThat(e.getString("message")).contains("clé");
        });
        assertThat(problem.getJsonArray("errors").getValuesAs(JsonObject.class)).anySatisfy(e -> {
            assertThat(e.getString("field")).isEqualTo("birthDate");
            assertThat(e.getString("message")).contains("futur");
        });
        // Nothing was written: the same number is still free.
        assertThat(Api.postJson("/api/v1/members", admin, Api.member(number, number.toLowerCase() + "@example.org", null)).statusCode()).isEqualTo(201);
    }

    @Test
    void messagesFollowAcceptLanguage() {
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/members")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").header("Accept-Language", "en-GB,en;q=0.9")
                .POST(HttpRequest.BodyPublishers.ofString(Api.member(Api.newMemberNumber(), "2 84 05 88 321 025 99", "a@example.org", null))));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Invalid social security number");
    }

    @Test
    void aNirThatDisagreesWithSexOrBirthDateIsRefusedOnTheNirField() {
        String json = Api.member(Api.newMemberNumber(), "2 55 08 14 168 025 38", "c@example.org", null);
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, json);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Api.json(r).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("nir");
        assertThat(Api.json(r).getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("ConsistentIdentity");
    }

    @Test
    void jsonOfTheWrongShapeNamesTheField() {
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, """
                {"memberNumber": 12345678, "nir": ["x"], "address": "Paris", "favouriteColour": "blue"}
                """);
        assertThat(r.statusCode()).isEqualTo(400);
        var errors = Api.json(r).getJsonArray("errors").getValuesAs(JsonObject.class);
        assertThat(errors).anySatisfy(e -> assertThat(e.getString("field") + "/" + e.getString("code")).isEqualTo("memberNumber/type"));
        assertThat(errors).anySatisfy(e -> assertThat(e.getString("field") + "/" + e.getString("code")).isEqualTo("nir/type"));
        assertThat(errors).anySatisfy(e -> assertThat(e.getString("field") + "/" + e.getString("code")).isEqualTo("address/type"));
        assertThat(errors).anySatisfy(e -> assertThat(e.getString("field") + "/" + e.getString("code")).isEqualTo("favouriteColour/unknown"));
    }

    @Test
    void malformedJsonIsA400Problem() {
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, "{\"memberNumber\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aTenMegabyteBodyIsRefusedWith413() {
        String huge = "{\"memberNumber\":\"" + "A".repeat(10 * 1024 * 1024) + "\"}";
        // As any careful client sends a large body: the server answers before it is sent.
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/members")).expectContinue(true)
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"memberNumber\":\"AB\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(server.uri("/api/v1/members")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("UTF-8");
    }

    @Test
    void anEmailAlreadyUsedByAnotherMemberIsRefusedOnTheEmailField() {
        String email = Api.newMemberNumber().toLowerCase() + "@example.org";
        assertThat(Api.postJson("/api/v1/members", admin, Api.member(Api.newMemberNumber(), email, null)).statusCode()).isEqualTo(201);
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, Api.member(Api.newMemberNumber(), email.toUpperCase(), null));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Api.json(r).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("email");
    }

    private static String withInitialPassword(String number, String password) {
        String json = Api.member(number, number.toLowerCase() + "@example.org", null).strip();
        return json.substring(0, json.length() - 1) + ",\"password\":\"" + password + "\"}";
    }

    @Test
    void aTooShortInitialPasswordIsRefusedAndNeverEchoed() {
        HttpResponse<String> r = Api.postJson("/api/v1/members", admin, withInitialPassword(Api.newMemberNumber(), "court-secret"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"password\"").doesNotContain("court-secret");
    }

    @Test
    void aPasswordChosenByTheAdministratorMustBeChangedAtFirstSignIn() {
        String number = Api.newMemberNumber();
        HttpResponse<String> created = Api.postJson("/api/v1/members", admin, withInitialPassword(number, "mot de passe initial provisoire"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Api.json(created).getJsonArray("requiredActions").getString(0)).isEqualTo("UPDATE_PASSWORD");
        HttpResponse<String> signIn = new FormClient(server).signIn(number, "mot de passe initial provisoire");
        assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/required-actions"));
    }

    @Test
    void anUpdateNeverOverwritesThePasswordTheMemberHas() {
        String number = Api.newMemberNumber();
        String nir = Api.newNir();
        String email = number.toLowerCase() + "@example.org";
        assertThat(Api.postJson("/api/v1/members", admin, Api.member(number, nir, email, "le mot de passe du membre")).statusCode()).isEqualTo(201);
        assertThat(Api.postJson("/api/v1/members", admin, Api.member(number, nir, email, "un autre mot de passe importé")).statusCode()).isEqualTo(200);
        assertThat(new FormClient(server).signIn(number, "le mot de passe du membre").statusCode()).isEqualTo(303);
        assertThat(new FormClient(server).signIn(number, "un autre mot de passe importé").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsAnswerProblems() {
        assertThat(Api.get("/api/v1/nothing-here", admin).statusCode()).isEqualTo(404);
        assertThat(Api.get("/api/v1/nothing-here", admin).headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> r = Api.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/members/ABCDEF12"))
                .header("Authorization", "Bearer " + admin).DELETE());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}
