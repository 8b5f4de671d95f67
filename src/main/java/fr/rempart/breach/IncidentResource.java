package fr.rempart.breach;

import fr.rempart.audit.Actor;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Set;

/** {@code POST /api/v1/incidents} (declare) and {@code GET /api/v1/incidents/{id}}, for the security administrator. */
@Path("api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentResource {

    @Inject
    Incidents incidents;
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

    @GET
    @Path("{id}")
    @Allowed({"security-admin", "helpdesk-agent", "helpdesk-supervisor"})
    public Response read(@PathParam("id") String id) {
        return Response.ok(view(incidents.find(id).orElseThrow(NotFoundException::new)).toString()).build();
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
