package fr.rempart.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Declaring an incident through the admin API: who may, what is checked, what is kept. */
class IncidentIT {

    private final RempartServer server = RempartServer.get();

    private static final String INCIDENT = """
            {"title":"Accès frauduleux au portail des professionnels de santé","source":"Caisse nationale d'assurance maladie",
             "occurredFrom":"01/11/2026","occurredTo":"2026-11-10","discoveredOn":"2026-11-12",
             "leaked":["IDENTITY","NIR","RIGHTS"],"notLeaked":["CONTACT","BANK","HEALTH"]}
            """;

    @Test
    void theSecurityAdministratorDeclaresAnIncidentWithWhatLeakedAndWhatDidNot() {
        assertThat(Api.postJson("/api/v1/incidents", null, INCIDENT).statusCode()).isEqualTo(401);
        assertThat(Api.postJson("/api/v1/incidents", server.token("helpdesk-agent"), INCIDENT).statusCode()).isEqualTo(403);

        HttpResponse<String> created = Api.postJson("/api/v1/incidents", server.token("security-admin"), INCIDENT);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject incident = Api.json(created);
        String id = incident.getString("id");
        assertThat(id).matches("INC-\\d{8}-[A-Z2-9]{4}");
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/incidents/" + id));
        assertThat(incident.getJsonArray("leaked").toString()).isEqualTo("[\"IDENTITY\",\"NIR\",\"RIGHTS\"]");
        assertThat(incident.getJsonArray("notLeaked").toString()).isEqualTo("[\"BANK\",\"CONTACT\",\"HEALTH\"]");
        assertThat(incident.getJsonObject("policy").getBoolean("updatePassword")).isTrue();
        assertThat(incident.getString("occurredFrom")).isEqualTo("2026-11-01");

        HttpResponse<String> read = Api.get("/api/v1/incidents/" + id, server.token("helpdesk-agent"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Api.json(read).getString("title")).startsWith("Accès frauduleux");
        assertThat(Api.get("/api/v1/incidents/INC-00000000-XXXX", server.token("security-admin")).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadDeclarationNamesEveryFieldAndStoresNothing() {
        String bad = """
                {"title":"","source":"CNAM","occurredFrom":"2026-11-20","discoveredOn":"2030-01-01",
                 "leaked":["IDENTITY","BANK","TELEPATHY"],"notLeaked":["BANK"],"policy":{"updatePassword":false}}
                """;
        HttpResponse<String> refused = Api.postJson("/api/v1/incidents", server.token("security-admin"), bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"field\":\"title\"").contains("\"field\":\"discoveredOn\"").contains("categoriesKnownAndDisjoint");
        String disjoint = INCIDENT.replace("\"notLeaked\":[\"CONTACT\"", "\"notLeaked\":[\"NIR\",\"CONTACT\"");
        assertThat(Api.postJson("/api/v1/incidents", server.token("security-admin"), disjoint).statusCode()).isEqualTo(400);
        String backwards = INCIDENT.replace("\"discoveredOn\":\"2026-11-12\"", "\"discoveredOn\":\"2026-10-01\"");
        HttpResponse<String> order = Api.postJson("/api/v1/incidents", server.token("security-admin"), backwards);
        assertThat(order.statusCode()).isEqualTo(400);
        assertThat(order.body()).contains("datesInOrder");
    }
}
