package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The breach-list import as an operator command ({@code deploy/rempart import-breach-list}), run in
 * its own JVM against the service's database while the service runs: the member is flagged and
 * hardened (the open session ends), the notice the command queued is rendered and sent by the
 * service, the reports land next to the list, and a refused file changes nothing. On PostgreSQL
 * only: the embedded H2 file is held by the running service (the command's help says to stop it).
 */
class BreachImportCommandIT {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private final RempartServer server = RempartServer.get();

    @Test
    void theCommandImportsAListWithoutTheWebServerAndTheServiceSendsTheNotices() throws Exception {
        assumeTrue(server.postgresql(), "the H2 file is locked by the running service");
        String admin = server.token("security-admin");
        String incident = Api.json(Api.postJson("/api/v1/incidents", admin, """
                {"title":"Fuite CNAM (commande)","source":"CNAM","occurredFrom":"2026-11-01","discoveredOn":"2026-11-12",
                 "leaked":["IDENTITY","NIR"],"notLeaked":["CONTACT","BANK","HEALTH"]}""")).getString("id");
        String nir = Api.newNir();
        String number = Api.newMemberNumber();
        assertThat(Api.postJson("/api/v1/members", admin, Api.member(number, nir, number.toLowerCase() + "@example.org", PASSWORD)).statusCode())
                .isEqualTo(201);
        FormClient signedIn = new FormClient(server);
        signedIn.signIn(number, PASSWORD);
        assertThat(signedIn.get("/account").statusCode()).isEqualTo(200);

        Path list = server.dataDir().resolveSibling("command-list.csv");
        Files.writeString(list, "nir,nom,prenom,date_naissance,sexe\n" + nir + ",LEFEVRE-DUPONT,Hélène,12/05/1984,F\n"
                + nir.substring(0, 13) + (nir.endsWith("00") ? "01" : "00") + ",Martin,Léa,12/05/1984,F\n", StandardCharsets.ISO_8859_1);
        Map.Entry<Integer, String> run = server.command("fr.rempart.breach.BreachImport", incident, list.toString());
        assertThat(run.getKey()).as(run.getValue()).isZero();
        String json = run.getValue().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonObject job = jakarta.json.Json.createReader(new StringReader(json)).readObject();
        assertThat(job.getString("status")).isEqualTo("DONE");
        assertThat(job.getInt("read")).isEqualTo(2);
        assertThat(job.getInt("invalid")).isEqualTo(1);
        assertThat(job.getInt("flagged")).isEqualTo(1);
        assertThat(run.getValue()).doesNotContain(nir);
        assertThat(Files.readString(list.resolveSibling("command-list.csv.rejects.csv"))).contains("3;NIR_KEY;nir");

        // Hardened as by the API: required actions, the session ended; the service renders and sends the queued notice.
        assertThat(Api.json(Api.get("/api/v1/members/" + number, admin)).getJsonArray("requiredActions").toString()).contains("UPDATE_PASSWORD");
        assertThat(signedIn.get("/account").statusCode()).isEqualTo(303);
        assertThat(Mailbox.await(server, number.toLowerCase() + "@example.org", "Code de vérification")).contains("CNAM").doesNotContain(nir);
        assertThat(Api.json(Api.get("/api/v1/breach-jobs/" + job.getString("id"), admin)).getInt("flagged")).isEqualTo(1);

        // Again: nobody flagged twice; an unknown incident and a file that is not a list are refused, exit 1, nothing done.
        Map.Entry<Integer, String> again = server.command("fr.rempart.breach.BreachImport", incident, list.toString());
        assertThat(again.getValue()).contains("\"flagged\":0").contains("\"alreadyFlagged\":1").contains("\"sameFileAs\"");
        assertThat(server.command("fr.rempart.breach.BreachImport", "INC-00000000-XXXX", list.toString()).getKey()).isEqualTo(1);
        Path binary = list.resolveSibling("not-a-list.zip");
        Files.write(binary, new byte[]{0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0});
        Map.Entry<Integer, String> refused = server.command("fr.rempart.breach.BreachImport", incident, binary.toString());
        assertThat(refused.getKey()).isEqualTo(1);
        assertThat(server.command("fr.rempart.breach.BreachImport", incident).getKey()).isEqualTo(2);
    }
}
