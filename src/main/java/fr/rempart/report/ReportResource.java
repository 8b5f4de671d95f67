package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.BodyLimits;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
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
import jakarta.ws.rs.core.EntityPart;
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
    /** Reports from anyone not signed in, per address and minute: the form and the API together. */
    static AddressLimiter anonymous(RateLimits limits) {
        return limits.perAddress("reports", 10);
    }

    @Inject
    Reports reports;
    @Inject
    MemberRepository members;
    @Inject
    ReportEvidence evidence;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;
    @Context
    jakarta.servlet.http.HttpServletRequest servletRequest;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Inject
    KeyRing keys;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    @AnonymousReportLimit.Charged
    public Response submit(JsonValue body) {
        return file(body, List.of());
    }

    /**
     * The same with evidence: a part {@code report} holding the JSON form, and up to five parts
     * {@code files}, each checked by its content. Bounded as a whole ({@link BodyLimits.Upload}).
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Allowed.Anyone
    @BodyLimits.Upload
    @AnonymousReportLimit.Charged
    public Response submitWithFiles(List<EntityPart> parts) throws java.io.IOException {
        Locale locale = Locales.of(headers);
        if (parts.size() > 1 + ReportEvidence.MAX_FILES) {
            throw new InvalidInputException(List.of(new FieldError("files", "TooMany",
                    Messages.get(locale, "report.evidence.too-many", ReportEvidence.MAX_FILES, 0))));
        }
        Optional<EntityPart> report = parts.stream().filter(p -> "report".equals(p.getName())).findFirst();
        if (report.isEmpty()) {
            throw new InvalidInputException(List.of(new FieldError("report", "NotNull", Messages.get(locale, "report.multipart.form-missing"))));
        }
        // The JSON part is held to the JSON body's limits (64 KiB, UTF-8, depth) before it is parsed.
        byte[] json = BodyLimits.smallPartBytes(report.get());
        BodyLimits.checkJsonDepth(json);
        JsonValue body;
        try (var reader = JsonBinder.JSON.createReader(new java.io.ByteArrayInputStream(json))) {
            body = reader.readValue();
        } catch (jakarta.json.JsonException e) {
            throw new InvalidInputException(List.of(new FieldError("report", "json", Messages.get(locale, "json.object-expected"))));
        }
        List<ReportEvidence.Incoming> files = new java.util.ArrayList<>();
        for (EntityPart part : parts) {
            if (!"report".equals(part.getName())) {
                if (!"files".equals(part.getName()) || part.getFileName().isEmpty()) {
                    String name = part.getName() == null || part.getName().length() > 40 ? "files" : part.getName();
                    throw new InvalidInputException(List.of(new FieldError(name, "unknown",
                            Messages.get(locale, "report.multipart.unknown-part"))));
                }
                files.add(ReportEvidence.Incoming.ofPart(part.getFileName().get(), part.getContent()));
            }
        }
        return file(body, files);
    }

    private Response file(JsonValue body, List<ReportEvidence.Incoming> files) {
        Locale locale = Locales.of(headers);
        // Anonymous calls were charged before the body was read (AnonymousReportLimit).
        ReportForm form = JsonBinder.bind(body, ReportForm.class, locale);
        Optional<TrustedIssuers.Caller> caller = caller();
        Optional<Member> member = caller.flatMap(this::member);
        Actor actor = member.map(m -> Actor.member(m.number().value()))
                .or(() -> caller.map(c -> Actor.token(c.issuerName(), c.subject())))
                .orElse(new Actor("public", "anonymous"));
        String address = ClientInfo.of(servletRequest, settings).address();
        ReportEvidence.Uploader uploader = new ReportEvidence.Uploader(keys.macHex(KeyRing.Purpose.COOKIE,
                "report-uploader:" + address), member.map(Member::id));
        Reports.Filed filed = reports.submit(bound(form, caller, address), member.map(Member::id), actor, locale, files, uploader);
        JsonArrayBuilder routes = JsonBinder.JSON.createArrayBuilder();
        filed.routes().forEach(r -> routes.add(route(r, locale)));
        return Response.status(filed.created() ? 201 : 200)
                .entity(JsonBinder.JSON.createObjectBuilder().add("reference", filed.reference().value()).add("nextSteps", routes)
                        .add("acknowledgement", reports.acknowledgement(filed.reference()).name()).build().toString())
                .header("Cache-Control", "no-store").build();
    }

    /**
     * The client's submission key, bound to whoever sends it: stored as a MAC of the key with the caller (a token's
     * issuer and subject) or, for anyone not signed in, with the address and the report's own facts. The same client
     * posting again gets its report back; another client sending the same key files a report of its own, and never
     * learns the first one's reference. Page keys (56 characters) and these (64) never meet.
     */
    private ReportForm bound(ReportForm form, Optional<TrustedIssuers.Caller> caller, String address) {
        if (form.submissionKey() == null) {
            return form;
        }
        String binder = caller.map(c -> "token:" + c.issuerName() + ":" + c.subject())
                .orElse("anonymous:" + address + ":" + Secrets.sha256Hex(Reports.facts(form)));
        return form.withSubmissionKey(keys.macHex(KeyRing.Purpose.COOKIE,
                "report-api-key:" + binder + ":" + form.submissionKey()));
    }

    /**
     * {@code {"code": "123456"}}: the code mailed to the address a report gave, typed back; the acknowledgement then
     * goes to that address. Anyone (the code is the proof), charged like a report; five tries per report.
     */
    @POST
    @jakarta.ws.rs.Path("{reference}/contact-confirmation")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    @AnonymousReportLimit.Charged
    public Response confirmContact(@PathParam("reference") String reference, JsonValue body) {
        Locale locale = Locales.of(headers);
        ContactCode code = JsonBinder.bind(body, ContactCode.class, locale);
        if (!reports.confirmContact(parse(reference), code.code(), locale)) {
            throw new InvalidInputException(List.of(new FieldError("code", "invalid", Messages.get(locale, "report.contact.code-wrong"))));
        }
        return Response.ok(JsonBinder.JSON.createObjectBuilder().add("acknowledgement", Reports.Acknowledgement.SENT.name()).build().toString())
                .header("Cache-Control", "no-store").build();
    }

    /** The form of a contact confirmation. */
    public record ContactCode(String code) {
    }

    @GET
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response queue(@QueryParam("status") String status) {
        Optional<Report.Status> wanted = status == null || status.isBlank() ? Optional.empty() : Optional.of(status(status, Locales.of(headers)));
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

    /** A report whole (facts, files, notes): for the member who filed it, with their own token, and the helpdesk. */
    @GET
    @jakarta.ws.rs.Path("{reference}")
    @Allowed.Anyone
    public Response details(@PathParam("reference") String reference) {
        Reports.Details details = readable(reference);
        Locale locale = Locales.of(headers);
        JsonObjectBuilder json = view(details.report());
        json.add("facts", JsonBinder.JSON.createReader(new java.io.StringReader(Reports.facts(details.form()))).readObject());
        JsonArrayBuilder files = JsonBinder.JSON.createArrayBuilder();
        details.files().forEach(f -> files.add(JsonBinder.JSON.createObjectBuilder().add("id", f.id()).add("fileName", f.fileName())
                .add("contentType", f.contentType()).add("sizeBytes", f.sizeBytes()).add("sha256", f.sha256())));
        JsonArrayBuilder routes = JsonBinder.JSON.createArrayBuilder();
        details.routes().forEach(r -> routes.add(route(r, locale)));
        json.add("files", files).add("nextSteps", routes);
        if (helpdesk(caller())) {
            JsonArrayBuilder notes = JsonBinder.JSON.createArrayBuilder();
            details.notes().forEach(n -> notes.add(JsonBinder.JSON.createObjectBuilder().add("author", n.author()).add("body", n.body())
                    .add("at", n.at().toString())));
            json.add("notes", notes);
        }
        return Response.ok(json.build().toString()).header("Cache-Control", "no-store").build();
    }

    /** The printable pre-complaint, in the caller's language: a download, never shown inline. */
    @GET
    @jakarta.ws.rs.Path("{reference}/pdf")
    @Produces("application/pdf")
    @Allowed.Anyone
    public Response pdf(@PathParam("reference") String reference) {
        Reports.Details details = readable(reference);
        return Response.ok(reports.pdf(details, Locales.of(headers)))
                .header("Content-Disposition", "attachment; filename=\"" + details.reference().value() + ".pdf\"")
                .header("Cache-Control", "no-store").build();
    }

    /** One evidence file, as a download of opaque bytes: never rendered by the browser, whatever it holds. */
    @GET
    @jakarta.ws.rs.Path("{reference}/files/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Allowed.Anyone
    public Response file(@PathParam("reference") String reference, @PathParam("id") long id) {
        Reports.Details details = readable(reference);
        return evidence.download(details.reference(), id).map(ReportResource::download).orElseThrow(jakarta.ws.rs.NotFoundException::new);
    }

    /** Triage: {@code {"status": "IN_PROGRESS"|"CLOSED"|"NEW", "assignee": "username" or ""}}, either or both; audited. */
    @jakarta.ws.rs.PATCH
    @jakarta.ws.rs.Path("{reference}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response triage(@PathParam("reference") String reference, JsonValue body) {
        Locale locale = Locales.of(headers);
        Triage change = JsonBinder.bind(body, Triage.class, locale);
        Optional<Report.Status> status = Optional.empty();
        if (change.status() != null) {
            status = Optional.of(status(change.status(), locale));
        }
        ReportReference ref = parse(reference);
        Actor actor = staffActor();
        reports.find(ref).orElseThrow(jakarta.ws.rs.NotFoundException::new);
        if (change.assignee() != null) {
            if (change.assignee().length() > 120) {
                throw new InvalidInputException(List.of(new FieldError("assignee", "Size", Messages.get(locale, "report.assignee.size"))));
            }
            reports.assign(ref, change.assignee(), actor);
        }
        status.ifPresent(s -> reports.setStatus(ref, s, actor));
        return details(reference);
    }

    /** The form of a triage change. */
    public record Triage(String status, String assignee) {
    }

    /** A note on the report: {@code {"body": "..."}} (4,000 characters at most); audited without its words. */
    @POST
    @jakarta.ws.rs.Path("{reference}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed({"helpdesk-agent", "helpdesk-supervisor"})
    public Response note(@PathParam("reference") String reference, JsonValue body) {
        Locale locale = Locales.of(headers);
        NoteForm note = JsonBinder.bind(body, NoteForm.class, locale);
        if (note.body() == null || note.body().isBlank() || note.body().length() > 4000) {
            throw new InvalidInputException(List.of(new FieldError("body", "Size", Messages.get(locale, "report.note.size"))));
        }
        TrustedIssuers.Caller caller = caller().orElseThrow();
        if (!reports.addNote(parse(reference), caller.subject(), note.body(), staffActor())) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        return Response.status(201).entity(details(reference).getEntity()).header("Cache-Control", "no-store").build();
    }

    /** The form of a note. */
    public record NoteForm(String body) {
    }

    static Response download(ReportEvidence.Download download) {
        return Response.ok((jakarta.ws.rs.core.StreamingOutput) out -> java.nio.file.Files.copy(download.path(), out))
                .type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Disposition", "attachment; filename=\"evidence-" + download.file().id() + extension(download.file().fileName())
                        + "\"; filename*=UTF-8''" + java.net.URLEncoder.encode(download.file().fileName(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-store").build();
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        return ext.matches("\\.[a-z0-9]{1,5}") ? ext : "";
    }

    /** The report, if the caller may read it: the helpdesk, or the member who filed it; 404 for anyone else, as for a report that does not exist. */
    private Reports.Details readable(String reference) {
        Optional<TrustedIssuers.Caller> caller = caller();
        if (caller.isEmpty()) {
            throw new ProblemException(401, "report.sign-in-needed");
        }
        Reports.Details details = reports.find(parse(reference)).orElseThrow(jakarta.ws.rs.NotFoundException::new);
        if (helpdesk(caller) || caller.flatMap(this::member).map(m -> details.filedBy(m.id())).orElse(false)) {
            return details;
        }
        throw new jakarta.ws.rs.NotFoundException();
    }

    private static ReportReference parse(String reference) {
        return ReportReference.parse(reference).orElseThrow(jakarta.ws.rs.NotFoundException::new);
    }

    private Optional<TrustedIssuers.Caller> caller() {
        return Optional.ofNullable((TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER));
    }

    private static boolean helpdesk(Optional<TrustedIssuers.Caller> caller) {
        return caller.map(c -> c.roles().contains("helpdesk-agent") || c.roles().contains("helpdesk-supervisor")).orElse(false);
    }

    private Actor staffActor() {
        TrustedIssuers.Caller c = caller().orElseThrow();
        return Actor.token(c.issuerName(), c.subject());
    }

    private static Report.Status status(String value, Locale locale) {
        try {
            return Report.Status.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(List.of(new FieldError("status", "OneOf", Messages.get(locale, "report.status.unknown"))));
        }
    }

    static JsonObjectBuilder route(OfficialChannels.Route r, Locale locale) {
        return JsonBinder.JSON.createObjectBuilder().add("code", r.name())
                .add("name", r.title(locale)).add("how", r.how(locale)).add("bring", r.bring(locale));
    }

    /**
     * A member's own access token from Rempart's provider, with the member scope: its subject is the member's id.
     * Told by the token's subject_kind claim, never by its lack of groups (a client could be named like a member).
     */
    private Optional<Member> member(TrustedIssuers.Caller caller) {
        if (!caller.member()) {
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
        Optional.ofNullable(report.assignedTo()).ifPresent(a -> json.add("assignee", a));
        return json.add("cluster", cluster);
    }
}
