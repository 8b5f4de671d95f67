package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/v1/reports}: anyone files an alert (a member's own access token ties it to the
 * account); {@code GET /api/v1/reports?status=}: the helpdesk's queue, without the message words.
 */
@Path("api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
public class ReportResource {

    private static final int QUEUE_LIMIT = 500;
    /** Reports from anyone not signed in, per address and minute (per node, in memory, like the other per-address limits). */
    static final fr.rempart.signin.AddressLimiter ANONYMOUS = new fr.rempart.signin.AddressLimiter(10);

    @Inject
    Reports reports;
    @Inject
    MemberRepository members;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;
    @Context
    jakarta.servlet.http.HttpServletRequest servletRequest;
    @Inject
    fr.rempart.platform.config.Settings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    public Response submit(JsonValue body) {
        Locale locale = Locales.of(headers);
        ReportForm form = JsonBinder.bind(body, ReportForm.class, locale);
        Optional<TrustedIssuers.Caller> caller = Optional.ofNullable((TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER));
        Optional<Member> member = caller.flatMap(this::member);
        if (caller.isEmpty() && !ANONYMOUS.tryAcquire(fr.rempart.platform.web.ClientInfo.of(servletRequest, settings).address())) {
            throw new fr.rempart.platform.web.ProblemException(429, "problem.429.detail");
        }
        Actor actor = member.map(m -> Actor.member(m.number().value()))
                .or(() -> caller.map(c -> Actor.token(c.issuerName(), c.subject())))
                .orElse(new Actor("public", "anonymous"));
        Reports.Filed filed = reports.submit(form, member.map(Member::id), actor, locale);
        jakarta.json.JsonArrayBuilder routes = JsonBinder.JSON.createArrayBuilder();
        filed.routes().forEach(r -> routes.add(JsonBinder.JSON.createObjectBuilder().add("code", r.name())
                .add("name", fr.rempart.platform.web.Messages.get(locale, "report.route." + r.name() + ".name"))
                .add("how", fr.rempart.platform.web.Messages.get(locale, "report.route." + r.name() + ".how"))
                .add("bring", fr.rempart.platform.web.Messages.get(locale, "report.route." + r.name() + ".bring"))));
        return Response.status(filed.created() ? 201 : 200)
                .entity(JsonBinder.JSON.createObjectBuilder().add("reference", filed.reference().value()).add("nextSteps", routes).build().toString())
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response queue(@QueryParam("status") String status) {
        Optional<Report.Status> wanted = Optional.empty();
        if (status != null && !status.isBlank()) {
            try {
                wanted = Optional.of(Report.Status.valueOf(status.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(List.of(new FieldError("status", "OneOf",
                        Messages.get(Locales.of(headers), "report.status.unknown"))));
            }
        }
        JsonArrayBuilder list = JsonBinder.JSON.createArrayBuilder();
        reports.queue(wanted, QUEUE_LIMIT).forEach(r -> list.add(view(r)));
        return Response.ok(list.build().toString()).header("Cache-Control", "no-store").build();
    }

    /** Reports grouped by the same sender, number or link, the largest cluster first: a phishing campaign shows up as one line. */
    @GET
    @jakarta.ws.rs.Path("clusters")
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response clusters() {
        JsonArrayBuilder list = JsonBinder.JSON.createArrayBuilder();
        reports.clusters(100).forEach(c -> list.add(JsonBinder.JSON.createObjectBuilder().add("by", c.by()).add("key", c.key())
                .add("count", c.count()).add("first", c.first().toString()).add("last", c.last().toString())));
        return Response.ok(list.build().toString()).header("Cache-Control", "no-store").build();
    }

    /** A member's own access token from Rempart's provider: its subject is the member's id. */
    private Optional<Member> member(TrustedIssuers.Caller caller) {
        if (!"rempart".equals(caller.issuerName()) || !caller.groups().isEmpty()) {
            return Optional.empty();
        }
        try {
            return members.byId(new MemberId(UUID.fromString(caller.subject())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static JsonObjectBuilder view(Report report) {
        JsonArrayBuilder kinds = JsonBinder.JSON.createArrayBuilder();
        report.kinds().forEach(k -> kinds.add(k.name()));
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("reference", report.reference().value())
                .add("status", report.status().name()).add("kinds", kinds).add("channel", report.channel().name())
                .add("createdAt", report.createdAt().toString());
        JsonObjectBuilder cluster = JsonBinder.JSON.createObjectBuilder();
        Optional.ofNullable(report.senderKey()).ifPresent(k -> cluster.add("sender", k));
        Optional.ofNullable(report.numberKey()).ifPresent(k -> cluster.add("number", k));
        Optional.ofNullable(report.linkKey()).ifPresent(k -> cluster.add("link", k));
        return json.add("cluster", cluster);
    }
}
