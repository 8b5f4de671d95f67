package fr.rempart.helpdesk;

import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.JsonBinder;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The supervisors' queue: {@code GET /api/v1/approvals} (requests waiting, and alerts on unusual
 * volume), {@code POST /api/v1/approvals/{id}/approve|reject}. Supervisors only; never one's own request.
 */
@Path("api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalResource {

    @Inject
    java.time.Clock clock;
    @Inject
    HelpdeskActions actions;
    @Inject
    HelpdeskApi api;
    @Context
    ContainerRequestContext request;

    @GET
    @Allowed(Agent.SUPERVISOR)
    public Response queue() {
        JsonArrayBuilder pending = JsonBinder.JSON.createArrayBuilder();
        actions.pending().forEach(a -> pending.add(HelpdeskApi.approval(a, clock.instant())));
        JsonArrayBuilder alerts = JsonBinder.JSON.createArrayBuilder();
        actions.alerts().forEach(a -> alerts.add(JsonBinder.JSON.createObjectBuilder().add("id", a.id()).add("agent", a.agent()).add("actions", a.actions())
                .add("since", a.windowStart().toString()).add("raisedAt", a.createdAt().toString())));
        return Response.ok(JsonBinder.JSON.createObjectBuilder().add("pending", pending).add("alerts", alerts).build().toString())
                .header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("{id}/approve")
    @Allowed(Agent.SUPERVISOR)
    public Response approve(@PathParam("id") String id) {
        return decide(id, true);
    }

    @POST
    @Path("{id}/reject")
    @Allowed(Agent.SUPERVISOR)
    public Response reject(@PathParam("id") String id) {
        return decide(id, false);
    }

    /** A supervisor has looked at an alert on an agent's volume: it leaves the queue. */
    @POST
    @Path("alerts/{id}/acknowledge")
    @Allowed(Agent.SUPERVISOR)
    public Response acknowledge(@PathParam("id") long id) {
        if (!actions.acknowledge(id, api.agent((TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER)))) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        return Response.noContent().build();
    }

    private Response decide(String id, boolean approve) {
        Agent supervisor = api.agent((TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER));
        return Response.ok(HelpdeskApi.approval(actions.decide(id, approve, supervisor), clock.instant()).build().toString()).header("Cache-Control", "no-store").build();
    }
}
