package fr.rempart.helpdesk;

import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberNumber;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

/**
 * The helpdesk's JSON API under {@code /api/v1/members} ({@link HelpdeskApi} does the work): one
 * member, search, an account's security state, proofs of the caller and actions. Creating and
 * importing members under the same paths is member's ({@code member.MemberResource}); both share the
 * root {@code api/v1}, whose methods Jersey serves together.
 */
@Path("api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class HelpdeskResource {

    @Inject
    HelpdeskApi helpdesk;
    @Inject
    MemberDirectory directory;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;

    /**
     * One member, NIR and contact details masked; {@code ?reveal=contact&reason=…} shows the contact
     * details whole, to a person. Every read is audited and counts in the caller's hourly limit.
     */
    @GET
    @Path("members/{memberNumber}")
    @Allowed({"security-admin", "helpdesk-agent", "helpdesk-supervisor"})
    public Response one(@PathParam("memberNumber") String memberNumber, @QueryParam("reveal") String reveal, @QueryParam("reason") String reason) {
        return helpdesk.member(memberNumber, reveal, reason, helpdesk.agent(callerOrNull()), Locales.of(headers));
    }

    /** The helpdesk's search (see {@link MemberDirectory#search}): NIR masked in every answer; audited and counted, with an optional reason. */
    @GET
    @Path("members")
    @Allowed({"security-admin", "helpdesk-agent", "helpdesk-supervisor"})
    public Response search(@QueryParam("q") String q, @QueryParam("reason") String reason) {
        return helpdesk.search(q, reason, helpdesk.agent(callerOrNull()), Locales.of(headers));
    }

    /** An account's security state: for the helpdesk, and for the member themselves (their own token, scope {@code rempart:self}). */
    @GET
    @Path("members/{memberNumber}/security")
    @Allowed(value = {"helpdesk-agent", "helpdesk-supervisor"}, member = true)
    public Response security(@PathParam("memberNumber") String memberNumber, @QueryParam("reason") String reason) {
        TrustedIssuers.Caller caller = callerOrNull();
        boolean helpdeskCaller = caller.roles().contains("helpdesk-agent") || caller.roles().contains("helpdesk-supervisor");
        // A member by the token's subject_kind claim and scope, never by its lack of groups: a client named like a member is no member.
        boolean self = caller.member() && MemberNumber.valid(memberNumber)
                && directory.byNumber(MemberNumber.parse(memberNumber)).map(m -> m.id().value().toString().equals(caller.subject())).orElse(false);
        if (!helpdeskCaller && !self) {
            throw new ProblemException(403, "problem.403");
        }
        // The helpdesk's read is audited and counted; the member reading their own state is not the helpdesk.
        return helpdesk.security(memberNumber, Locales.of(headers), helpdeskCaller ? helpdesk.agent(caller) : null, reason);
    }

    /** Starts a proof that the caller is the member: {@code {"method": "email"}} or {@code {"method": "in-person", "checked": "…"}}. */
    @POST
    @Path("members/{memberNumber}/verifications")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response verify(@PathParam("memberNumber") String memberNumber, JsonValue body) {
        return helpdesk.startProof(memberNumber, body, helpdesk.agent(callerOrNull()), Locales.of(headers));
    }

    /** The code the caller read back: {@code {"code": "123456"}}. */
    @POST
    @Path("members/{memberNumber}/verifications/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response confirm(@PathParam("memberNumber") String memberNumber, @PathParam("id") String id, JsonValue body) {
        return helpdesk.confirmProof(memberNumber, id, body, helpdesk.agent(callerOrNull()), Locales.of(headers));
    }

    /** {@code unlock}, {@code reset-totp}, {@code require-password-reset}, {@code revoke-sessions}, {@code resend-notice}: {@code {"reason", "verification"}}. */
    @POST
    @Path("members/{memberNumber}/actions/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response act(@PathParam("memberNumber") String memberNumber, @PathParam("action") String action, JsonValue body) {
        return helpdesk.act(memberNumber, action, body, helpdesk.agent(callerOrNull()), Locales.of(headers));
    }

    private TrustedIssuers.Caller callerOrNull() {
        return (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
    }
}
