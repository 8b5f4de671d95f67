package fr.rempart.audit;

import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.web.JsonBinder;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Verifies the whole audit chain and reports the first broken link. */
@Path("api/v1/audit/verification")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditTrail trail;

    @GET
    @Allowed("security-admin")
    public JsonObject verify() {
        AuditTrail.Verification v = trail.verify();
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("intact", v.intact()).add("checked", v.checked());
        if (!v.intact()) {
            answer.add("firstBrokenSeq", v.firstBrokenSeq()).add("problem", v.problem());
        }
        return answer.build();
    }
}
