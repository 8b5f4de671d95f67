package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.member.Member;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.WebSession;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.BodyLimits;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.BrowserSessions;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The alert-and-pre-complaint form in five pages (what happened, the details, the evidence, who you
 * are, the summary), then the filed page with the PDF, and the member's own view of a report. The
 * form travels from page to page in hidden fields, so nothing is stored before it is sent except the
 * evidence files, held under the form's submission key ({@link ReportEvidence}). Each page validates
 * its own step ({@link ReportForm.Step}); errors are listed at the top and tied to their fields.
 */
@Path("report")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class ReportPages {

    /** The pages, in order; each names the validation group it checks. */
    enum Page {
        WHAT, DETAILS, EVIDENCE, IDENTITY, SUMMARY;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Page> of(String id) {
            for (Page p : values()) {
                if (p.id().equals(id)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    private enum Kind { TEXT, TEXTAREA, RADIO, CHECKBOX }

    /** A field of the form: how it is asked. */
    private record Field(String name, Page page, Kind kind, int maxLength, String type, String autocomplete, String inputMode,
                         Class<? extends Enum<?>> options) {
        static Field text(String name, Page page, int maxLength, String type, String autocomplete, String inputMode) {
            return new Field(name, page, Kind.TEXT, maxLength, type, autocomplete, inputMode, null);
        }
    }

    private static final List<Field> FIELDS = List.of(
            new Field("kinds", Page.WHAT, Kind.CHECKBOX, 0, null, null, null, Report.Kind.class),
            new Field("channel", Page.WHAT, Kind.RADIO, 0, null, null, null, Report.Channel.class),
            new Field("claimedSender", Page.WHAT, Kind.RADIO, 0, null, null, null, Report.Sender.class),
            Field.text("occurredOn", Page.WHAT, 10, "text", "off", "numeric"),
            Field.text("senderAddress", Page.DETAILS, 254, "email", "off", null),
            Field.text("senderNumber", Page.DETAILS, 30, "tel", "off", "tel"),
            Field.text("linkOrNumber", Page.DETAILS, 2000, "text", "off", null),
            new Field("messageText", Page.DETAILS, Kind.TEXTAREA, 5000, null, "off", null, null),
            new Field("informationGiven", Page.DETAILS, Kind.CHECKBOX, 0, null, null, null, Report.Information.class),
            Field.text("organisation", Page.DETAILS, 200, "text", "off", null),
            new Field("identityUse", Page.DETAILS, Kind.TEXTAREA, 2000, null, "off", null, null),
            Field.text("amount", Page.DETAILS, 13, "text", "off", "decimal"),
            Field.text("paymentMethod", Page.DETAILS, 200, "text", "off", null),
            Field.text("lastName", Page.IDENTITY, 100, "text", "family-name", null),
            Field.text("firstName", Page.IDENTITY, 100, "text", "given-name", null),
            Field.text("birthDate", Page.IDENTITY, 10, "text", "bday", "numeric"),
            Field.text("contactEmail", Page.IDENTITY, 254, "email", "email", null),
            Field.text("phone", Page.IDENTITY, 30, "tel", "tel", "tel"),
            Field.text("postcode", Page.IDENTITY, 10, "text", "postal-code", "numeric"));

    /** The evidence page's own fields are a few dozen: more parts than this is no form of ours. */
    private static final int MAX_FIELD_PARTS = 100;
    static final String FILER_COOKIE = "rempart_report";
    private static final java.time.Duration FILER_LIFETIME = java.time.Duration.ofDays(1);

    @Inject
    Clock clock;
    @Inject
    Reports reports;
    @Inject
    ReportEvidence evidence;
    @Inject
    MemberRepository members;
    @Inject
    BrowserSessions browser;
    @Inject
    FormValidator validator;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrfToken;
    @Inject
    Csrf csrf;
    @Inject
    KeyRing keys;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    /** This request's member (a resource instance serves one request); null until {@link #member()} reads it. */
    private Optional<Member> member;

    /** A new form: a fresh submission key; the identity pre-filled for a signed-in member. */
    @GET
    public Response start() {
        Map<String, List<String>> values = new HashMap<>();
        values.put("submissionKey", List.of(newKey()));
        member().ifPresent(m -> {
            values.put("lastName", List.of(m.lastName().value()));
            values.put("firstName", List.of(m.firstName().value()));
            values.put("birthDate", List.of(m.birthDate().format(DateTimeFormatter.ofPattern("dd/MM/yyyy"))));
            Optional.ofNullable(m.phone()).ifPresent(p -> values.put("phone", List.of(p.e164())));
        });
        return page(Page.WHAT, values, List.of(), 200);
    }

    /** Every page but the evidence one posts here: {@code page} says which, {@code go} where to. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response step(MultivaluedMap<String, String> form) {
        return advance(values(form));
    }

    /** The evidence page: the same, with files (multipart); the CSRF token is checked among the parts before anything else. */
    @POST
    @Path("evidence")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Csrf.InMultipartBody
    @BodyLimits.Upload
    public Response evidenceStep(List<EntityPart> parts) throws IOException {
        Map<String, List<String>> values = new HashMap<>();
        List<ReportEvidence.Incoming> files = new ArrayList<>();
        int fields = 0;
        for (EntityPart part : parts) {
            if (part.getFileName().isEmpty() && ++fields > MAX_FIELD_PARTS) {
                throw new ProblemException(413, "problem.body-too-large", BodyLimits.MAX_BYTES / 1024);
            }
            if (part.getFileName().isPresent()) {
                // A file input left empty still sends a part, named "" and empty.
                if (!part.getFileName().get().isEmpty()) {
                    files.add(ReportEvidence.Incoming.ofPart(part.getFileName().get(), part.getContent()));
                }
            } else if (part.getName() != null && part.getName().length() <= 40) {
                values.computeIfAbsent(part.getName(), n -> new ArrayList<>()).add(BodyLimits.smallPart(part));
            }
        }
        csrf.require(headers, client().secure(), first(values, Csrf.FIELD));
        List<FieldError> errors = List.of();
        String key = first(values, "submissionKey");
        if (!files.isEmpty() && validKey(key)) {
            // Members too: a signed-in account is no licence to fill the disk (the daily quotas follow in upload).
            if (!limits.perAddress("evidence-uploads", 20).tryAcquire(client().address())) {
                errors = List.of(new FieldError("files", "TooMany", Messages.get(locale(), "problem.429.detail")));
            } else {
                try {
                    evidence.upload(key, files, uploader(), actor(), locale());
                } catch (InvalidInputException refused) {
                    errors = refused.errors();
                }
            }
        }
        if (!errors.isEmpty()) {
            return page(Page.EVIDENCE, values, errors, 400);
        }
        String go = first(values, "go");
        if (go != null && go.startsWith("remove-") && validKey(key)) {
            try {
                evidence.removeDraft(key, Long.parseLong(go.substring("remove-".length())), actor());
            } catch (NumberFormatException ignored) {
                // not one of ours: nothing to remove
            }
            return page(Page.EVIDENCE, values, List.of(), 200);
        }
        return advance(values);
    }

    private Response advance(Map<String, List<String>> values) {
        Page page = Page.of(first(values, "page")).orElse(Page.WHAT);
        String go = Optional.ofNullable(first(values, "go")).orElse("next");
        if (!validKey(first(values, "submissionKey"))) {
            // Not a form of ours (no key, or a forged one): start again rather than file it.
            return start();
        }
        if (go.equals("back")) {
            return page(Page.values()[Math.max(0, page.ordinal() - 1)], values, List.of(), 200);
        }
        if (go.startsWith("edit-")) {
            return page(Page.of(go.substring("edit-".length())).orElse(page), values, List.of(), 200);
        }
        if (go.equals("upload")) {
            return page(Page.EVIDENCE, values, List.of(), 200);
        }
        if (page == Page.SUMMARY && go.equals("send")) {
            return send(values);
        }
        List<FieldError> errors = validate(page, values);
        if (!errors.isEmpty()) {
            return page(page, values, errors, 400);
        }
        return page(Page.values()[Math.min(Page.SUMMARY.ordinal(), page.ordinal() + 1)], values, List.of(), 200);
    }

    /** Files the report; the same form sent twice files it once. Then to the filed page, with the PDF. */
    private Response send(Map<String, List<String>> values) {
        Optional<Member> member = member();
        if (member.isEmpty() && !ReportResource.anonymous(limits).tryAcquire(client().address())) {
            return page(Page.SUMMARY, values, List.of(new FieldError("send", "TooMany", Messages.get(locale(), "problem.429.detail"))), 429);
        }
        ReportForm form = form(values);
        Reports.Filed filed;
        try {
            filed = reports.submit(form, member.map(Member::id), actor(), locale());
        } catch (InvalidInputException invalid) {
            // Only a form changed by hand gets here (each page checked its step): show the first page with an error.
            Page first = invalid.errors().stream().map(e -> pageOf(e.field())).min(Enum::compareTo).orElse(Page.WHAT);
            return page(first, values, invalid.errors().stream().filter(e -> pageOf(e.field()) == first).toList(), 400);
        }
        String reference = filed.reference().value();
        return Response.seeOther(URI.create("/report/filed/" + reference)).cookie(filerCookie(reference)).build();
    }

    /** After sending: the reference, what to do next, the PDF; for the member who sent it (signed in, or this browser for a day). */
    @GET
    @Path("filed/{reference}")
    public Response filed(@PathParam("reference") String reference) {
        return filedPage(readable(reference), null, 200);
    }

    private Response filedPage(Reports.Details details, String codeError, int status) {
        Map<String, Object> model = base(Messages.get(locale(), "report.filed.title"));
        model.put("reference", details.reference().value());
        model.put("routes", routes(details.routes()));
        model.put("protected", details.member().isPresent()
                && details.form().informationSet().stream().anyMatch(i -> i == Report.Information.PASSWORD || i == Report.Information.SECOND_FACTOR_CODE));
        model.put("bankFirst", details.routes().contains(OfficialChannels.Route.BANK_FIRST));
        model.put("codeError", codeError == null ? "" : codeError);
        model.put("hasCodeError", codeError != null);
        Reports.Acknowledgement ack = reports.acknowledgement(details.reference());
        model.put("acknowledged", ack == Reports.Acknowledgement.SENT);
        model.put("awaitingCode", ack == Reports.Acknowledgement.CONFIRMATION_SENT);
        return Response.status(status).entity(pages.render("report-filed", locale(), model)).header("Cache-Control", "no-store").build();
    }

    /**
     * The code mailed to the address the form gave, typed back by the browser that filed the report: the address is
     * proven, and the acknowledgement goes to it. A wrong code says so and changes nothing else (five tries).
     */
    @POST
    @Path("filed/{reference}/confirm")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response confirm(@PathParam("reference") String reference, @jakarta.ws.rs.FormParam("code") String code) {
        Reports.Details details = readable(reference);
        if (!ReportResource.anonymous(limits).tryAcquire(client().address())) {
            return filedPage(details, Messages.get(locale(), "problem.429.detail"), 429);
        }
        if (!reports.confirmContact(details.reference(), code, locale())) {
            return filedPage(details, Messages.get(locale(), "report.contact.code-wrong"), 400);
        }
        return Response.seeOther(URI.create("/report/filed/" + details.reference().value())).build();
    }

    /** The member's reports, signed in. */
    @GET
    @Path("mine")
    public Response mine() {
        Optional<Member> member = member();
        if (member.isEmpty()) {
            return Response.seeOther(URI.create("/signin")).build();
        }
        Map<String, Object> model = base(Messages.get(locale(), "report.mine.title"));
        model.put("reports", reports.filedBy(member.get().id()).stream().map(r -> Map.of("reference", r.reference().value(),
                "status", Messages.get(locale(), "report.status." + r.status().name()), "date", date(r.createdAt()))).toList());
        return html("report-mine", model);
    }

    /** A report as its member sees it: status, the facts as sent, the files, the next steps, the PDF. */
    @GET
    @Path("{reference}")
    public Response view(@PathParam("reference") String reference) {
        Reports.Details details = readable(reference);
        Map<String, Object> model = base(Messages.get(locale(), "report.view.title", details.reference().value()));
        model.put("reference", details.reference().value());
        model.put("status", Messages.get(locale(), "report.status." + details.report().status().name()));
        model.put("date", date(details.report().createdAt()));
        model.put("sections", summary(details.form(), locale()));
        model.put("files", files(details.files(), details.reference()));
        model.put("routes", routes(details.routes()));
        return html("report-view", model);
    }

    @GET
    @Path("{reference}/pdf")
    @Produces("application/pdf")
    public Response pdf(@PathParam("reference") String reference) {
        Reports.Details details = readable(reference);
        return Response.ok(reports.pdf(details, locale()))
                .header("Content-Disposition", "attachment; filename=\"" + details.reference().value() + ".pdf\"")
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{reference}/files/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response file(@PathParam("reference") String reference, @PathParam("id") long id) {
        Reports.Details details = readable(reference);
        return evidence.download(details.reference(), id).map(ReportResource::download).orElseThrow(NotFoundException::new);
    }

    /** The report if this browser may read it: its member signed in, or the browser that sent it; otherwise 404, as for none. */
    private Reports.Details readable(String reference) {
        ReportReference ref = ReportReference.parse(reference).orElseThrow(NotFoundException::new);
        Reports.Details details = reports.find(ref).orElseThrow(NotFoundException::new);
        boolean member = member().map(m -> details.filedBy(m.id())).orElse(false);
        if (!member && !filerCookieFor(ref)) {
            throw new NotFoundException();
        }
        return details;
    }

    /** Lets the browser that sent a report read it for a day: the reference, an expiry and their MAC. */
    private NewCookie filerCookie(String reference) {
        long expires = clock.instant().plus(FILER_LIFETIME).getEpochSecond();
        String value = reference + "." + expires + "." + keys.macHex(KeyRing.Purpose.COOKIE, "report-filer:" + reference + ":" + expires);
        return new NewCookie.Builder(FILER_COOKIE).value(value).path("/report").httpOnly(true).secure(client().secure())
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) FILER_LIFETIME.toSeconds()).build();
    }

    private boolean filerCookieFor(ReportReference reference) {
        Cookie cookie = headers.getCookies().get(FILER_COOKIE);
        if (cookie == null) {
            return false;
        }
        String[] parts = cookie.getValue().split("\\.");
        if (parts.length != 3 || !parts[0].equals(reference.value()) || !parts[1].matches("\\d{1,12}")) {
            return false;
        }
        String expected = keys.macHex(KeyRing.Purpose.COOKIE, "report-filer:" + parts[0] + ":" + parts[1]);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.US_ASCII))
                && Long.parseLong(parts[1]) > clock.instant().getEpochSecond();
    }

    // ---- rendering the form's pages

    private Response page(Page page, Map<String, List<String>> values, List<FieldError> errors, int status) {
        Locale locale = locale();
        Map<String, Object> model = base(Messages.get(locale, "report.page.title", page.ordinal() + 1, Page.values().length,
                Messages.get(locale, "report.page." + page.id())));
        model.put("page", page.id());
        model.put("heading", Messages.get(locale, "report.page." + page.id()));
        model.put("stepOf", Messages.get(locale, "report.page.step", page.ordinal() + 1, Page.values().length));
        model.put("steps", java.util.Arrays.stream(Page.values()).map(p -> Map.of("name", Messages.get(locale, "report.page." + p.id()),
                "current", p == page)).toList());
        model.put("intro", Messages.get(locale, "report.page." + page.id() + ".intro"));
        model.put("first", page == Page.WHAT);
        model.put("summary", page == Page.SUMMARY);
        model.put("evidence", page == Page.EVIDENCE);
        model.put("action", page == Page.EVIDENCE ? "/report/evidence" : "/report");
        Map<String, List<String>> byField = new LinkedHashMap<>();
        errors.forEach(e -> byField.computeIfAbsent(field(e.field()), f -> new ArrayList<>()).add(e.message()));
        model.put("hasErrors", !errors.isEmpty());
        List<ReportEvidence.StoredFile> drafts = (page == Page.EVIDENCE || page == Page.SUMMARY) && validKey(first(values, "submissionKey"))
                ? evidence.drafts(first(values, "submissionKey")) : List.of();
        boolean fileInput = page == Page.EVIDENCE && drafts.size() < ReportEvidence.MAX_FILES;
        model.put("errors", byField.entrySet().stream().map(e -> Map.of("anchor", e.getKey().equals("files") && !fileInput ? "attached-files"
                : anchor(e.getKey()), "message", String.join(" ", e.getValue()))).toList());
        ReportForm form = form(values);
        List<Map<String, Object>> fields = new ArrayList<>();
        List<Map<String, String>> carry = new ArrayList<>();
        for (Field f : FIELDS) {
            if (f.page() == page && relevant(f, form)) {
                fields.add(field(f, values, byField.get(f.name()), form, locale));
            } else if (f.page() != page && (f.page() != Page.DETAILS || relevant(f, form))) {
                values.getOrDefault(f.name(), List.of()).forEach(v -> carry.add(Map.of("name", f.name(), "value", v)));
            }
        }
        carry.add(Map.of("name", "submissionKey", "value", first(values, "submissionKey")));
        model.put("fields", fields);
        model.put("carry", carry);
        if (page == Page.EVIDENCE) {
            model.put("files", drafts.stream().map(f -> Map.of("id", f.id(), "name", f.fileName(), "size", size(f.sizeBytes()))).toList());
            model.put("hasFiles", !drafts.isEmpty());
            model.put("canAdd", drafts.size() < ReportEvidence.MAX_FILES);
            model.put("filesInvalid", byField.containsKey("files"));
            model.put("filesErrors", byField.getOrDefault("files", List.of()));
            model.put("filesHint", Messages.get(locale, "report.evidence.hint", ReportEvidence.MAX_FILES, settings.reportMaxFileBytes() / (1024 * 1024)));
        }
        if (page == Page.SUMMARY) {
            model.put("sections", summary(values, locale, true));
            model.put("files", files(drafts, null));
            model.put("signedIn", member().isPresent());
        }
        return Response.status(status).entity(pages.render("report-step", locale, model)).header("Cache-Control", "no-store").build();
    }

    private Map<String, Object> field(Field f, Map<String, List<String>> values, List<String> errors, ReportForm form, Locale locale) {
        Map<String, Object> m = new HashMap<>();
        Map<String, String> t = Messages.all(locale);
        String hintKey = "report_field_" + f.name() + "_hint";
        m.put("name", f.name());
        m.put("id", f.kind() == Kind.RADIO || f.kind() == Kind.CHECKBOX ? f.name() + "-" + first(f) : f.name());
        m.put("label", Messages.get(locale, "report.field." + f.name()));
        m.put("hint", t.getOrDefault(hintKey, ""));
        m.put("hasHint", t.containsKey(hintKey));
        m.put("required", required(f, form));
        m.put("invalid", errors != null);
        m.put("errors", errors == null ? List.of() : errors);
        m.put("text", f.kind() == Kind.TEXT);
        m.put("textarea", f.kind() == Kind.TEXTAREA);
        m.put("choices", f.kind() == Kind.RADIO || f.kind() == Kind.CHECKBOX);
        m.put("inputType", f.kind() == Kind.CHECKBOX ? "checkbox" : f.kind() == Kind.RADIO ? "radio" : f.type());
        m.put("maxLength", f.maxLength());
        m.put("autocomplete", f.autocomplete());
        m.put("inputMode", f.inputMode() == null ? "" : f.inputMode());
        List<String> current = values.getOrDefault(f.name(), List.of());
        m.put("value", current.isEmpty() ? "" : current.get(0));
        if (f.options() != null) {
            m.put("options", java.util.Arrays.stream(f.options().getEnumConstants()).map(o -> Map.of("value", o.name(), "id", f.name() + "-" + o.name(),
                    "label", Messages.get(locale, "report." + option(f) + "." + o.name()),
                    "checked", current.stream().anyMatch(v -> v.equalsIgnoreCase(o.name())))).toList());
        }
        return m;
    }

    private static String first(Field f) {
        return f.options().getEnumConstants()[0].name();
    }

    private static String option(Field f) {
        return f.options() == Report.Kind.class ? "kind" : f.options() == Report.Channel.class ? "channel"
                : f.options() == Report.Sender.class ? "sender" : "information";
    }

    /** The details asked depend on what happened: no amount without money taken, no sender number for a letter. */
    private static boolean relevant(Field f, ReportForm form) {
        Set<Report.Kind> kinds = form.kindSet();
        Optional<Report.Channel> channel = form.channelValue();
        return switch (f.name()) {
            case "senderAddress" -> channel.map(c -> c == Report.Channel.EMAIL).orElse(true);
            case "senderNumber" -> channel.map(c -> c == Report.Channel.SMS || c == Report.Channel.CALL).orElse(true);
            case "informationGiven" -> kinds.contains(Report.Kind.GAVE_INFORMATION);
            case "organisation", "identityUse" -> kinds.contains(Report.Kind.IDENTITY_USED);
            case "amount", "paymentMethod" -> kinds.contains(Report.Kind.MONEY_TAKEN);
            default -> true;
        };
    }

    /** Required as the constraints say: always for the first page and the identity, by the facts for the details (see {@link ConsistentFacts}). */
    private boolean required(Field f, ReportForm form) {
        return switch (f.name()) {
            case "kinds", "channel", "claimedSender", "occurredOn", "lastName", "firstName", "birthDate" -> true;
            case "contactEmail" -> member().isEmpty();
            case "senderAddress" -> form.channelValue().map(c -> c == Report.Channel.EMAIL).orElse(false);
            case "senderNumber" -> form.channelValue().map(c -> c == Report.Channel.SMS || c == Report.Channel.CALL).orElse(false);
            case "informationGiven", "organisation", "amount" -> relevant(f, form);
            default -> false;
        };
    }

    private List<FieldError> validate(Page page, Map<String, List<String>> values) {
        ReportForm form = form(values);
        Locale locale = locale();
        return switch (page) {
            case WHAT -> validator.violations(form, locale, ReportForm.Step.What.class);
            case DETAILS -> validator.violations(form, locale, ReportForm.Step.Details.class);
            case IDENTITY -> member().isPresent() ? validator.violations(form, locale, ReportForm.Step.Identity.class)
                    : validator.violations(form, locale, ReportForm.Step.Identity.class, ReportForm.Step.Anonymous.class);
            default -> List.of();
        };
    }

    /** The summary: each page's answers, with a button back to it. */
    /** A filed report's answers as the form showed them: the same labels and sections for the member and the helpdesk. */
    static List<Map<String, Object>> summary(ReportForm form, Locale locale) {
        return summary(values(form), locale, false);
    }

    private static List<Map<String, Object>> summary(Map<String, List<String>> values, Locale locale, boolean editable) {
        ReportForm form = form(values);
        List<Map<String, Object>> sections = new ArrayList<>();
        for (Page page : List.of(Page.WHAT, Page.DETAILS, Page.IDENTITY)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Field f : FIELDS) {
                List<String> given = values.getOrDefault(f.name(), List.of()).stream().filter(v -> !v.isBlank()).toList();
                if (f.page() == page && relevant(f, form) && !given.isEmpty()) {
                    String shown = f.options() == null ? given.get(0)
                            : given.stream().map(v -> Messages.get(locale, "report." + option(f) + "." + v.toUpperCase(Locale.ROOT))).collect(Collectors.joining(", "));
                    rows.add(Map.of("label", Messages.get(locale, "report.field." + f.name()), "value", shown));
                }
            }
            sections.add(Map.of("title", Messages.get(locale, "report.page." + page.id()), "page", page.id(), "rows", rows, "editable", editable));
        }
        return sections;
    }

    private List<Map<String, Object>> files(List<ReportEvidence.StoredFile> files, ReportReference downloadable) {
        return files.stream().map(f -> {
            Map<String, Object> m = new HashMap<>();
            m.put("name", f.fileName());
            m.put("size", size(f.sizeBytes()));
            m.put("sha256", f.sha256());
            if (downloadable != null) {
                m.put("href", "/report/" + downloadable.value() + "/files/" + f.id());
            }
            return m;
        }).toList();
    }

    private List<Map<String, String>> routes(List<OfficialChannels.Route> routes) {
        Locale locale = locale();
        return routes.stream().map(r -> Map.of("name", r.title(locale), "how", r.how(locale), "bring", r.bring(locale))).toList();
    }

    // ---- the form's values

    /** The posted values, blank ones left out; only the form's own fields and the page's controls. */
    private static Map<String, List<String>> values(MultivaluedMap<String, String> posted) {
        Map<String, List<String>> values = new HashMap<>();
        posted.forEach((name, list) -> values.put(name, new ArrayList<>(list)));
        return values;
    }

    private static Map<String, List<String>> values(ReportForm form) {
        Map<String, List<String>> values = new HashMap<>();
        for (var component : ReportForm.class.getRecordComponents()) {
            try {
                Object v = component.getAccessor().invoke(form);
                if (v instanceof String s) {
                    values.put(component.getName(), List.of(s));
                } else if (v instanceof List<?> list) {
                    values.put(component.getName(), list.stream().map(String::valueOf).toList());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return values;
    }

    static ReportForm form(Map<String, List<String>> values) {
        var components = ReportForm.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            List<String> given = values.getOrDefault(components[i].getName(), List.of()).stream().filter(v -> v != null && !v.isBlank()).toList();
            args[i] = types[i] == List.class ? (given.isEmpty() ? null : given) : (given.isEmpty() ? null : given.get(0));
        }
        try {
            return ReportForm.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /**
     * A form's key is bound to the browser that opened it: random characters and their MAC with this browser's CSRF
     * token. Another browser sending the same key (copied, guessed, leaked) fails the MAC: it neither sees the drafts
     * nor gets the report or the filer cookie; it is given a new form.
     */
    private String newKey() {
        String random = Secrets.token(18);
        return random + keyMac(random);
    }

    private String keyMac(String random) {
        return keys.macHex(KeyRing.Purpose.COOKIE, "report-key:" + random + ":" + csrfToken.formToken()).substring(0, 32);
    }

    private boolean validKey(String key) {
        return key != null && key.matches("[A-Za-z0-9_\\-]{24}[0-9a-f]{32}")
                && MessageDigest.isEqual(keyMac(key.substring(0, 24)).getBytes(StandardCharsets.US_ASCII),
                key.substring(24).getBytes(StandardCharsets.US_ASCII));
    }

    private ReportEvidence.Uploader uploader() {
        return new ReportEvidence.Uploader(keys.macHex(KeyRing.Purpose.COOKIE, "report-uploader:" + client().address()), member().map(Member::id));
    }

    /** "kinds[0].<list element>" → "kinds": errors on list elements belong to the list's field. */
    private static String field(String path) {
        int cut = path.indexOf('[');
        int dot = path.indexOf('.');
        int end = cut < 0 ? dot : dot < 0 ? cut : Math.min(cut, dot);
        return end < 0 ? path : path.substring(0, end);
    }

    /** Where an error's link takes the keyboard: the field, or the first choice of a group. */
    private static String anchor(String name) {
        return FIELDS.stream().filter(f -> f.name().equals(name)).findFirst()
                .map(f -> f.options() == null ? f.name() : f.name() + "-" + first(f)).orElse(name);
    }

    private static Page pageOf(String field) {
        String name = field(field);
        return FIELDS.stream().filter(f -> f.name().equals(name)).map(Field::page).findFirst().orElse(Page.SUMMARY);
    }

    private static String size(long bytes) {
        return bytes >= 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024)) : Math.max(1, bytes / 1024) + " kB";
    }

    // ---- the request

    /** The signed-in member, read once per request (a page asks several times: required fields, pre-filling, the actor). */
    private Optional<Member> member() {
        if (member == null) {
            member = browser.current(headers, request).filter(WebSession::full).flatMap(s -> members.byId(s.member()));
        }
        return member;
    }

    private Actor actor() {
        return member().map(m -> Actor.member(m.number().value())).orElse(new Actor("public", "anonymous"));
    }

    private Map<String, Object> base(String title) {
        return pages.base(title, csrfToken.formToken(), request.getRequestURI());
    }

    private Response html(String template, Map<String, Object> model) {
        return Response.ok(pages.render(template, locale(), model)).header("Cache-Control", "no-store").build();
    }

    private String date(Instant at) {
        return Pages.dateTime(at, locale(), FormatStyle.LONG);
    }

    private ClientInfo client() {
        return ClientInfo.of(request, settings);
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
