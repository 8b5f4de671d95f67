package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MemberImportIT {

    private final RempartServer server = RempartServer.get();
    private final String admin = server.token("security-admin");

    private HttpResponse<String> upload(byte[] csv) {
        return Api.send(HttpRequest.newBuilder(server.uri("/api/v1/member-imports")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(csv)));
    }

    @Test
    void validRowsAreImportedAndEachBrokenRowIsReportedWithLineAndColumn() throws Exception {
        String a = Api.newMemberNumber();
        String b = Api.newMemberNumber();
        String c = Api.newMemberNumber();
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // BOM
        csv.write(("numero_adherent;nir;nom;prenom;date_naissance;sexe;email;telephone;code_postal;adresse;ville\r\n"
                + a + ";" + Api.newNir() + ";Müller;Zoé;12/05/1984;F;;06 01 02 03 04;13001;1 quai;Marseille\r\n"
                + b + ";2 55 08 14 168 025 00;Durand;Luc;1955-08-03;M;;;;;\r\n"
                + c + ";" + Api.newNir() + ";Petit;Anne;31/02/1984;F;;;;;\r\n"
                + "SHORT;too;few\r\n").getBytes(StandardCharsets.UTF_8));
        csv.write((Api.newMemberNumber() + ";" + Api.newNir() + ";Bad").getBytes(StandardCharsets.UTF_8));
        csv.write(new byte[]{(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
        csv.write(";Name;12/05/1984;F;;;;;\r\n".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> r = upload(csv.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject report = Api.json(r);
        assertThat(report.getInt("read")).isEqualTo(5);
        assertThat(report.getInt("created")).isEqualTo(1);
        assertThat(report.getInt("rejected")).isEqualTo(4);
        List<String> rejects = report.getJsonArray("rejects").getValuesAs(JsonObject.class).stream()
                .map(o -> o.getInt("line") + ":" + o.getString("field") + ":" + o.getString("code")).toList();
        assertThat(rejects).contains("3:nir:ValidNir", "4:date_naissance:ValidBirthDate", "5::columns", "6:nom:encoding");
        assertThat(r.body()).doesNotContain("2 55 08 14 168 025 00").doesNotContain("255081416802500");

        // Importing the same file again updates instead of duplicating.
        JsonObject again = Api.json(upload(csv.toByteArray()));
        assertThat(again.getInt("created")).isZero();
        assertThat(again.getInt("updated")).isEqualTo(1);
    }

    @Test
    void commaSeparatedEnglishHeadersWork() {
        String number = Api.newMemberNumber();
        String csv = "member_number,nir,last_name,first_name,birth_date,sex\n" + number + "," + Api.newNir() + ",\"O'Brien\",Siobhan,1984-05-30,F\n";
        JsonObject report = Api.json(upload(csv.getBytes(StandardCharsets.UTF_8)));
        assertThat(report.getInt("created")).isEqualTo(1);
        assertThat(report.getInt("rejected")).isZero();
    }

    @Test
    void anUnknownOrMissingColumnRefusesTheWholeFileBeforeAnyWrite() {
        HttpResponse<String> r = upload("member_number;nir;colour\nX;Y;Z\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        var fields = Api.json(r).getJsonArray("errors").getValuesAs(JsonObject.class).stream().map(o -> o.getString("field")).toList();
        assertThat(fields).contains("colour", "lastName", "birthDate");
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThat(upload(new byte[0]).statusCode()).isEqualTo(400);
    }

    @Test
    void importedLegacyHashesLetTheMemberSignInAndAreUpgradedToArgon2id() throws Exception {
        String number = Api.newMemberNumber();
        String bcrypt = com.password4j.BcryptFunction.getInstance(com.password4j.types.Bcrypt.B, 10).hash("mot de passe importé d'avant").getResult();
        String csv = "member_number;nir;nom;prenom;date_naissance;sexe;password_hash\n" + number + ";" + Api.newNir() + ";Roux;Inès;12/05/1984;F;" + bcrypt + "\n";
        assertThat(Api.json(upload(csv.getBytes(StandardCharsets.UTF_8))).getInt("created")).isEqualTo(1);
        if (server.postgresql()) {
            // The import wakes the wrapping job: the old digest is soon hidden under Argon2id.
            String stored = storedHash(number);
            for (long deadline = System.nanoTime() + 30_000_000_000L; !stored.startsWith("$rempart-wrapped$") && System.nanoTime() < deadline; ) {
                Thread.sleep(200); // the server (another process) works in the background: poll
                stored = storedHash(number);
            }
            assertThat(stored).startsWith("$rempart-wrapped$v=1$bcrypt,v=2b,c=10,s=" + bcrypt.substring(7, 29) + "$argon2id$")
                    .doesNotContain(bcrypt.substring(29));
        }

        FormClient browser = new FormClient(server);
        HttpResponse<String> signIn = browser.signIn(number, "mot de passe importé d'avant");
        assertThat(signIn.statusCode()).isEqualTo(303);
        if (server.postgresql()) {
            assertThat(storedHash(number)).startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
        }
        // The upgraded hash still verifies.
        assertThat(new FormClient(server).signIn(number, "mot de passe importé d'avant").statusCode()).isEqualTo(303);
    }

    private String storedHash(String number) throws java.sql.SQLException {
        try (var db = server.database(); var s = db.prepareStatement(
                "select hash from password_credential c join member m on m.id = c.member_id where m.member_number = ?")) {
            s.setString(1, number);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
