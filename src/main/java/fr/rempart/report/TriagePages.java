package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.signin.staff.StaffPrincipal;
import fr.rempart.signin.staff.StaffSessions;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.time.format.FormatStyle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The helpdesk's triage console, for staff signed in as {@code helpdesk-agent} or
 * {@code helpdesk-supervisor}: the queue by status with the clusters (one phishing campaign, one line
 * with its count), and each report with its facts, files, PDF, assignment, status and notes. Every
 * change goes through {@link Reports} and is audited; the pages answer with a redirect (post,
 * redirect, get), so a reload never posts twice.
 */
@Path("staff/reports")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class TriagePages {

    private static final String[] HELPDESK = {"helpdesk-agent", "helpdesk-supervisor"};

    @Inject
    Reports reports;
    @Inject
    ReportEvidence evidence;
    @Inject
    StaffSessions staff;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    public Response queue(@QueryParam("status") String status) {
        staff("/staff/reports");
        Locale locale = locale();
        Optional<Report.Status> wanted = parseStatus(status);
        Map<String, Object> model = pages.base(Messages.get(locale, "triage.title"), csrf.formToken(), request.getRequestURI());
        model.put("filters", Arrays.stream(Report.Status.values()).map(s -> Map.of("value", s.name(), "name",
                Messages.get(locale, "report.status." + s.name()), "current", wanted.map(s::equals).orElse(false))).toList());
        model.put("all", wanted.isEmpty());
        model.put("reports", reports.queue(wanted, 200).stream().map(r -> row(r, locale)).toList());
        model.put("clusters", reports.clusters(50).stream().map(c -> Map.of("by", Messages.get(locale, "triage.cluster." + c.by()), "key", c.key(),
                "count", c.count(), "first", date(c.first(), locale), "last", date(c.last(), locale))).toList());
        return html("triage-queue", model, locale);
    }

    @GET
    @Path("{reference}")
    public Response report(@PathParam("reference") String reference) {
        StaffPrincipal who = staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        Locale locale = locale();
        Map<String, Object> model = pages.base(Messages.get(locale, "report.view.title", details.reference().value()), csrf.formToken(),
                request.getRequestURI());
        model.put("reference", details.reference().value());
        model.put("status", Messages.get(locale, "report.status." + details.report().status().name()));
        model.put("statuses", Arrays.stream(Report.Status.values()).map(s -> Map.of("value", s.name(), "name",
                Messages.get(locale, "report.status." + s.name()), "selected", s == details.report().status())).toList());
        model.put("date", date(details.report().createdAt(), locale));
        model.put("assignee", Optional.ofNullable(details.assignedTo()).orElse(""));
        model.put("assigned", details.assignedTo() != null);
        model.put("mine", who.username().equals(details.assignedTo()));
        model.put("member", details.member().isPresent());
        model.put("sections", ReportPages.summary(details.form(), locale));
        model.put("files", details.files().stream().map(f -> Map.of("name", f.fileName(), "type", f.contentType(), "size", f.sizeBytes(),
                "sha256", f.sha256(), "href", "/staff/reports/" + details.reference().value() + "/files/" + f.id())).toList());
        model.put("notes", details.notes().stream().map(n -> Map.of("author", n.author(), "body", n.body(), "at", date(n.at(), locale))).toList());
        model.put("routes", details.routes().stream().map(r -> r.title(locale)).toList());
        return html("triage-report", model, locale);
    }

    @GET
    @Path("{reference}/pdf")
    @Produces("application/pdf")
    public Response pdf(@PathParam("reference") String reference) {
        staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        return Response.ok(reports.pdf(details, locale()))
                .header("Content-Disposition", "attachment; filename=\"" + details.reference().value() + ".pdf\"").header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{reference}/files/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response file(@PathParam("reference") String reference, @PathParam("id") long id) {
        staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        return evidence.download(details.reference(), id).map(ReportResource::download).orElseThrow(NotFoundException::new);
    }

    /** Takes the report ("me") or gives it back (""). */
    @POST
    @Path("{reference}/assignment")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response assign(@PathParam("reference") String reference, @FormParam("assignee") String assignee) {
        StaffPrincipal who = staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        reports.assign(details.reference(), "me".equals(assignee) ? who.username() : null, actor(who));
        return back(details);
    }

    @POST
    @Path("{reference}/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response status(@PathParam("reference") String reference, @FormParam("status") String status) {
        StaffPrincipal who = staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        Report.Status wanted = parseStatus(status).orElseThrow(() -> new fr.rempart.platform.web.ProblemException(400, "report.status.unknown"));
        reports.setStatus(details.reference(), wanted, actor(who));
        return back(details);
    }

    @POST
    @Path("{reference}/notes")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response note(@PathParam("reference") String reference, @FormParam("body") String body) {
        StaffPrincipal who = staff("/staff/reports/" + reference);
        Reports.Details details = details(reference);
        if (body == null || body.isBlank() || body.length() > 4000) {
            throw new fr.rempart.platform.web.ProblemException(400, "report.note.size");
        }
        reports.addNote(details.reference(), who.username(), body, actor(who));
        return back(details);
    }

    private StaffPrincipal staff(String back) {
        return staff.require(headers, request, back, "triage.forbidden", HELPDESK);
    }

    private Reports.Details details(String reference) {
        return ReportReference.parse(reference).flatMap(reports::find).orElseThrow(NotFoundException::new);
    }

    private static Actor actor(StaffPrincipal who) {
        return Actor.staff(who.username());
    }

    private static Response back(Reports.Details details) {
        return Response.seeOther(URI.create("/staff/reports/" + details.reference().value())).build();
    }

    private static Optional<Report.Status> parseStatus(String status) {
        return Arrays.stream(Report.Status.values()).filter(s -> s.name().equalsIgnoreCase(status == null ? "" : status.strip())).findFirst();
    }

    private Map<String, Object> row(Report r, Locale locale) {
        Map<String, Object> row = new HashMap<>();
        row.put("reference", r.reference().value());
        row.put("date", date(r.createdAt(), locale));
        row.put("status", Messages.get(locale, "report.status." + r.status().name()));
        row.put("kinds", r.kinds().stream().map(k -> Messages.get(locale, "report.kind." + k.name())).collect(Collectors.joining(" ; ")));
        row.put("channel", Messages.get(locale, "report.channel." + r.channel().name()));
        row.put("assignee", Optional.ofNullable(r.assignedTo()).orElse("—"));
        row.put("cluster", String.join(" · ", java.util.stream.Stream.of(r.senderKey(), r.numberKey(), r.linkKey()).filter(k -> k != null).toList()));
        return row;
    }

    private static String date(Instant at, Locale locale) {
        return Pages.dateTime(at, locale, FormatStyle.MEDIUM);
    }

    private Response html(String template, Map<String, Object> model, Locale locale) {
        return Response.ok(pages.render(template, locale, model)).header("Cache-Control", "no-store").build();
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
