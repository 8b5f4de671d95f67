package fr.rempart.notify;

import fr.rempart.platform.api.Allowed;
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
        return file(batch.pdf(), "application/pdf", batch.id() + ".pdf");
    }

    @GET
    @jakarta.ws.rs.Path("{id}/manifest")
    @Produces("text/csv")
    @Allowed("security-admin")
    public Response manifest(@PathParam("id") String id) {
        LetterBatches.Batch batch = batch(id);
        return file(batch.manifest(), "text/csv; charset=UTF-8", batch.id() + ".csv");
    }

    public static JsonObjectBuilder view(LetterBatches.Batch batch) {
        return JsonBinder.JSON.createObjectBuilder().add("id", batch.id()).add("incident", batch.incident()).add("letters", batch.letters())
                .add("pages", batch.pages()).add("sha256", batch.sha256()).add("createdAt", batch.createdAt().toString())
                .add("pdf", "/api/v1/letter-batches/" + batch.id() + "/pdf").add("manifest", "/api/v1/letter-batches/" + batch.id() + "/manifest");
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
