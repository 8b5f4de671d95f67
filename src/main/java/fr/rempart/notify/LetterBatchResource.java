package fr.rempart.notify;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A print-shop batch of breach letters (security-admin): {@code GET /api/v1/letter-batches/{id}}
 * describes it, {@code …/pdf} and {@code …/manifest} download it (always as attachments). The
 * SHA-256 lets the print shop check what it received.
 */
@jakarta.ws.rs.Path("api/v1/letter-batches")
public class LetterBatchResource {

    @Inject
    LetterBatches batches;
    @Inject
    AuditTrail audit;
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.container.ContainerRequestContext request;

    /** The latest hundred batches, incidents' and activation letters' alike. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response recent() {
        jakarta.json.JsonArrayBuilder list = JsonBinder.JSON.createArrayBuilder();
        batches.recent(100).forEach(b -> list.add(view(b)));
        return Response.ok(list.build().toString()).build();
    }

    @GET
    @jakarta.ws.rs.Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response read(@PathParam("id") String id) {
        return Response.ok(view(batch(id)).build().toString()).build();
    }

    @GET
    @jakarta.ws.rs.Path("{id}/pdf")
    @Produces("application/pdf")
    @Allowed("security-admin")
    public Response pdf(@PathParam("id") String id) {
        LetterBatches.Batch batch = batch(id);
        downloaded(batch, "pdf");
        return file(batch.pdf(), "application/pdf", batch.id() + ".pdf");
    }

    @GET
    @jakarta.ws.rs.Path("{id}/manifest")
    @Produces("text/csv")
    @Allowed("security-admin")
    public Response manifest(@PathParam("id") String id) {
        LetterBatches.Batch batch = batch(id);
        downloaded(batch, "manifest");
        return file(batch.manifest(), "text/csv; charset=UTF-8", batch.id() + ".csv");
    }

    public static JsonObjectBuilder view(LetterBatches.Batch batch) {
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("id", batch.id());
        if (batch.incident() != null) {
            json.add("incident", batch.incident()); // activation letters belong to no incident
        }
        return json.add("letters", batch.letters())
                .add("pages", batch.pages()).add("sha256", batch.sha256()).add("createdAt", batch.createdAt().toString())
                .add("pdf", "/api/v1/letter-batches/" + batch.id() + "/pdf").add("manifest", "/api/v1/letter-batches/" + batch.id() + "/manifest");
    }

    /** Letters carry names, addresses and activation codes: who downloaded which batch is on record. */
    private void downloaded(LetterBatches.Batch batch, String what) {
        var caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        audit.record(Actor.token(caller.issuerName(), caller.subject()), "letters.downloaded", batch.id(), null, "file=" + what);
    }

    private LetterBatches.Batch batch(String id) {
        return batches.find(id).orElseThrow(() -> new ProblemException(404, "letters.error.unknown-batch"));
    }

    private static Response file(Path path, String type, String name) {
        if (!Files.isReadable(path)) {
            throw new ProblemException(410, "letters.error.file-gone");
        }
        return Response.ok((jakarta.ws.rs.core.StreamingOutput) out -> Files.copy(path, out)).type(type)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").header("X-Content-Type-Options", "nosniff").build();
    }
}
