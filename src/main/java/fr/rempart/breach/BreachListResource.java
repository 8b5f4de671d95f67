package fr.rempart.breach;

import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A breach-list job's counts at {@code GET /api/v1/breach-jobs/{id}} (the upload is
 * {@code POST /api/v1/incidents/{id}/breach-lists}, in {@link IncidentResource}), its rejected rows ({@code …/rejects}, CSV) and the rows a
 * person must review ({@code …/review}, CSV, member numbers only, never a NIR).
 */
@Path("api/v1")
public class BreachListResource {

    @Inject
    BreachJobs jobs;

    @GET
    @Path("breach-jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response status(@PathParam("id") String id) {
        return Response.ok(view(job(id)).build().toString()).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("breach-jobs/{id}/rejects")
    @Produces("text/csv;charset=UTF-8")
    @Allowed("security-admin")
    public Response rejects(@PathParam("id") String id) {
        job(id);
        StreamingOutput csv = out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            jobs.writeRejects(id, writer);
            writer.flush();
        };
        return Response.ok(csv).header("Content-Disposition", "attachment; filename=\"" + id + "-rejects.csv\"").build();
    }

    @GET
    @Path("breach-jobs/{id}/review")
    @Produces("text/csv;charset=UTF-8")
    @Allowed("security-admin")
    public Response review(@PathParam("id") String id) {
        job(id);
        StreamingOutput csv = out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            jobs.writeReview(id, writer);
            writer.flush();
        };
        return Response.ok(csv).header("Content-Disposition", "attachment; filename=\"" + id + "-review.csv\"").build();
    }

    private BreachJobs.Job job(String id) {
        return jobs.find(id).orElseThrow(() -> new ProblemException(404, "breach.error.unknown-job"));
    }

    static JsonObjectBuilder view(BreachJobs.Job job) {
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("id", job.id()).add("incident", job.incidentId())
                .add("status", job.status()).add("dryRun", job.dryRun()).add("read", job.read()).add("invalid", job.invalid())
                .add("duplicates", job.duplicates()).add("matched", job.matched()).add("unmatched", job.unmatched()).add("review", job.review())
                .add("flagged", job.flagged()).add("alreadyFlagged", job.alreadyFlagged()).add("notified", job.notified())
                .add("progress", job.fileBytes() == 0 ? 1.0 : Math.min(1.0, (double) job.bytesRead() / job.fileBytes()))
                .add("createdAt", job.createdAt().toString());
        if (job.finishedAt() != null) {
            json.add("finishedAt", job.finishedAt().toString());
        }
        if (job.error() != null) {
            json.add("error", job.error());
        }
        if (job.sameFileAs() != null) {
            json.add("sameFileAs", job.sameFileAs()); // the same list was imported before: nobody is flagged or notified twice
        }
        return json;
    }
}
