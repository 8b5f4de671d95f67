package fr.rempart.breach;

import fr.rempart.audit.Actor;
import fr.rempart.notify.LetterBatchResource;
import fr.rempart.notify.LetterBatches;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.BodyLimits;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.net.URI;
import java.util.Set;

/** {@code POST /api/v1/incidents} (declare), {@code GET /api/v1/incidents/{id}}, and the upload of an incident's breach list. */
@Path("api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentResource {

    @Inject
    Incidents incidents;
    @Inject
    BreachJobs jobs;
    @Inject
    Campaign campaign;
    @Inject
    LetterBatches letters;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response declare(JsonValue body) {
        IncidentForm form = JsonBinder.bind(body, IncidentForm.class, Locales.of(headers));
        TrustedIssuers.Caller caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        Incident incident = incidents.declare(form, Actor.token(caller.issuerName(), caller.subject()), Locales.of(headers));
        return Response.created(URI.create("/api/v1/incidents/" + incident.id())).entity(view(incident).toString()).build();
    }

    @POST
    @Path("{id}/breach-lists")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    @BodyLimits.Streamed
    /** The list of affected people, streamed to disk, then matched by a job: 202 with the job and its address. */
    public Response upload(@PathParam("id") String incident, @QueryParam("dryRun") boolean dryRun, InputStream body) {
        TrustedIssuers.Caller caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        String job = jobs.start(incident, body, dryRun, Actor.token(caller.issuerName(), caller.subject()));
        return Response.accepted(BreachListResource.view(jobs.find(job).orElseThrow()).build().toString())
                .location(URI.create("/api/v1/breach-jobs/" + job)).build();
    }

    @GET
    @Path("{id}")
    @Allowed({"security-admin", "helpdesk-agent", "helpdesk-supervisor"})
    public Response read(@PathParam("id") String id) {
        return Response.ok(view(incidents.find(id).orElseThrow(NotFoundException::new)).toString()).build();
    }

    /** The incident's print-shop batches of letters (security-admin). */
    @GET
    @Path("{id}/letter-batches")
    @Allowed("security-admin")
    public Response letterBatches(@PathParam("id") String id) {
        incidents.find(id).orElseThrow(NotFoundException::new);
        JsonArrayBuilder batches = JsonBinder.JSON.createArrayBuilder();
        letters.list(id).forEach(b -> batches.add(LetterBatchResource.view(b)));
        return Response.ok(batches.build().toString()).build();
    }

    /** Prints the incident's waiting letters now rather than when a batch is full: 201 with the batch, 204 when none waits. */
    @POST
    @Path("{id}/letter-batches")
    @Allowed("security-admin")
    public Response printLetters(@PathParam("id") String id) {
        incidents.find(id).orElseThrow(NotFoundException::new);
        return letters.print(id).map(b -> Response.created(URI.create("/api/v1/letter-batches/" + b.id()))
                .entity(LetterBatchResource.view(b).build().toString()).build()).orElse(Response.noContent().build());
    }

    /** The campaign's figures and daily series (security-admin). */
    @GET
    @Path("{id}/campaign")
    @Allowed("security-admin")
    public Response campaign(@PathParam("id") String id) {
        incidents.find(id).orElseThrow(NotFoundException::new);
        Campaign.View view = campaign.of(id);
        JsonObjectBuilder facts = JsonBinder.JSON.createObjectBuilder();
        view.facts().forEach(facts::add);
        jakarta.json.JsonArrayBuilder daily = JsonBinder.JSON.createArrayBuilder();
        view.daily().forEach((day, counts) -> {
            JsonObjectBuilder point = JsonBinder.JSON.createObjectBuilder().add("date", day.toString());
            counts.forEach(point::add);
            daily.add(point);
        });
        return Response.ok(JsonBinder.JSON.createObjectBuilder().add("incident", id).add("flagged", view.flagged())
                .add("notified", JsonBinder.JSON.createObjectBuilder().add("email", view.notifiedByEmail()).add("letter", view.notifiedByLetter()))
                .add("facts", facts).add("atRisk", view.atRisk()).add("copiedCodes", view.copiedCodes()).add("daily", daily).build().toString()).header("Cache-Control", "no-store").build();
    }

    /** Members still at risk, for outreach (member number, names, contact, what is pending; never the NIR). */
    @GET
    @Path("{id}/at-risk")
    @Produces("text/csv;charset=UTF-8")
    @Allowed("security-admin")
    public Response atRisk(@PathParam("id") String id) {
        incidents.find(id).orElseThrow(NotFoundException::new);
        jakarta.ws.rs.core.StreamingOutput csv = out -> campaign.writeAtRisk(id, out);
        return Response.ok(csv).header("Content-Disposition", "attachment; filename=\"" + id + "-at-risk.csv\"").build();
    }

    static JsonObject view(Incident incident) {
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("id", incident.id()).add("title", incident.title())
                .add("source", incident.source()).add("occurredFrom", incident.occurredFrom().toString())
                .add("discoveredOn", incident.discoveredOn().toString()).add("leaked", names(incident.leaked()))
                .add("notLeaked", names(incident.notLeaked())).add("policy", JsonBinder.JSON.createObjectBuilder()
                        .add("updatePassword", incident.policy().updatePassword()).add("configureTotp", incident.policy().configureTotp())
                        .add("revokeSessions", incident.policy().revokeSessions()))
                .add("declaredAt", incident.declaredAt().toString());
        if (incident.occurredTo() != null) {
            json.add("occurredTo", incident.occurredTo().toString());
        }
        return json.build();
    }

    private static JsonArrayBuilder names(Set<Incident.DataCategory> categories) {
        JsonArrayBuilder array = JsonBinder.JSON.createArrayBuilder();
        categories.stream().map(Enum::name).sorted().forEach(array::add);
        return array;
    }
}
