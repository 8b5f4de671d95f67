package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Email;
import fr.rempart.password.UpdatePasswordStep;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ReturnPath;
import fr.rempart.totp.TotpService;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Clock;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The staff's sign-in pages, apart from the members': username and password, then the code of the
 * second factor — or, for an account without one, its enrolment, which cannot be skipped — then,
 * after an administrator's initial password, a password of their own; then a FULL staff session,
 * which goes back to the {@link ReturnPath} when one is waiting (the OpenID authorization endpoint)
 * or to the staff home page. Each stage reaches its own page only, and the token changes at each.
 */
@Path("staff")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class StaffPages {

    private static final int MAX_PASSWORD_CHARS = 1024;

    @Inject
    Clock clock;
    @Inject
    StaffSignIn signIn;
    @Inject
    StaffSessions staffSessions;
    @Inject
    StaffSessionStore sessions;
    @Inject
    StaffRepository staff;
    @Inject
    StaffTotp totp;
    @Inject
    StaffAccounts accounts;
    @Inject
    AuditTrail audit;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Inject
    MetricRegistry metrics;
    @Inject
    ExternalIdp idp;
    @Inject
    KeyRing keys;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    /** A session at the stage a page serves, with its account. */
    private record Current(StaffSession session, StaffAccount account) {
    }

    /** Where a session of this stage belongs. */
    static String landing(StaffSession.Stage stage) {
        return switch (stage) {
            case PASSWORD_DONE -> "/staff/signin/code";
            case TOTP_ENROL -> "/staff/signin/enrol";
            case PASSWORD_CHANGE -> "/staff/signin/password";
            case FULL -> "/staff";
        };
    }

    @GET
    public Response home() {
        Optional<Current> current = current(StaffSession.Stage.FULL);
        if (current.isEmpty()) {
            return elsewhere();
        }
        StaffAccount account = current.get().account();
        StaffSession session = current.get().session();
        Locale locale = locale();
        Map<String, Object> model = model("staff.home.title");
        model.put("displayName", account.displayName());
        model.put("username", account.username().value());
        model.put("email", account.email().value());
        model.put("groups", account.groupNames().stream().map(g -> Map.of("name", Messages.get(locale, "staff.group." + g), "value", g)).toList());
        model.put("factors", String.join(", ", session.amr()));
        model.put("authTime", DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneId.of("Europe/Paris"))
                .format(session.authTime()));
        return Response.ok(pages.render("staff-home", locale, model)).build();
    }

    @GET
    @Path("signin")
    public Response signInPage(@QueryParam("signedOut") String signedOut) {
        Optional<StaffSession> session = staffSessions.session(headers, request);
        if (session.isPresent()) {
            return session.get().full() ? completed(null) : elsewhere();
        }
        Map<String, Object> model = model("staff.signin.title");
        model.put("signedOut", signedOut != null);
        return Response.ok(pages.render("staff-signin", locale(), model)).build();
    }

    private static final String IDP_COOKIE = "rempart_staff_idp";
    /** The factors an identity provider may attest (RFC 8176) that count as a second factor. */
    private static final Set<String> STRONG_AMR = Set.of("mfa", "otp", "hwk", "swk", "fido", "sms", "sc");

    /** Staff sign-in through the external identity provider: off to its authorization endpoint, this flow sealed in a cookie. */
    @GET
    @Path("signin/external")
    public Response external() {
        if (!idp.configured()) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        ExternalIdp.Flow flow = ExternalIdp.Flow.start();
        URI to;
        try {
            to = idp.authorizationUrl(flow);
        } catch (java.io.IOException e) {
            return signInError("staff.external.unavailable", 502);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return signInError("staff.external.unavailable", 502);
        }
        String value = flow.state() + "." + flow.nonce() + "." + flow.verifier();
        value += "." + keys.macHex(KeyRing.Purpose.COOKIE, "staff-idp:" + value);
        // Lax: the provider sends the browser back by a top-level navigation, which carries it.
        return Response.seeOther(to).cookie(new jakarta.ws.rs.core.NewCookie.Builder(IDP_COOKIE).value(value).path("/staff/signin/external")
                .httpOnly(true).secure(staffSessions.client(request).secure()).sameSite(jakarta.ws.rs.core.NewCookie.SameSite.LAX).maxAge(600).build())
                .build();
    }

    /**
     * Back from the provider: the state must be this browser's, the ID token checked, a second
     * factor attested ({@code amr}), and the groups given by the provider. The account is created or
     * refreshed from the token; it never takes over an account of ours with the same name.
     */
    @GET
    @Path("signin/external/callback")
    public Response externalCallback(@QueryParam("code") String code, @QueryParam("state") String state) {
        if (!idp.configured()) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        Optional<ExternalIdp.Flow> flow = Optional.ofNullable(headers.getCookies().get(IDP_COOKIE)).map(jakarta.ws.rs.core.Cookie::getValue)
                .flatMap(this::flow).filter(f -> state != null && java.security.MessageDigest.isEqual(f.state().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        state.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        ClientInfo client = staffSessions.client(request);
        if (flow.isEmpty() || code == null || code.isBlank() || code.length() > 2048) {
            audit.record(Actor.SYSTEM, "staff.signin.external-refused", null, "state", "ip=" + client.address());
            return signInError("staff.external.failed", 400);
        }
        ExternalIdp.Person person;
        try {
            person = idp.finish(code, flow.get());
        } catch (java.io.IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            audit.record(Actor.SYSTEM, "staff.signin.external-refused", null, "token", "ip=" + client.address() + " " + e.getMessage());
            return signInError("staff.external.failed", 400);
        }
        // The provider's subject may be long (255 characters): the audit trail and the account keep a digest of it.
        String subject = Secrets.sha256Hex(person.issuer() + "|" + person.subject());
        Actor actor = new Actor("idp", subject.substring(0, 32));
        Set<String> strong = person.amr().stream().filter(STRONG_AMR::contains).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        if (strong.isEmpty()) {
            audit.record(actor, "staff.signin.external-refused", null, "no second factor attested", "amr=" + String.join(" ", person.amr()));
            return signInError("staff.external.mfa-required", 403);
        }
        Set<StaffGroup> groups = java.util.EnumSet.noneOf(StaffGroup.class);
        person.groups().forEach(g -> StaffGroup.of(g).ifPresent(groups::add));
        if (!Username.valid(person.username()) || person.email() == null || !Email.valid(person.email())) {
            audit.record(actor, "staff.signin.external-refused", null, "username or e-mail unusable", null);
            return signInError("staff.external.failed", 400);
        }
        Optional<StaffAccount> account = staff.upsertExternal(subject, Username.parse(person.username()),
                person.name().length() > 100 ? person.name().substring(0, 100) : person.name(), Email.parse(person.email()), groups);
        if (account.isEmpty() || account.get().disabled()) {
            audit.record(actor, "staff.signin.external-refused", person.username(), account.isEmpty() ? "username of a local account" : "disabled", null);
            return signInError("staff.external.failed", 403);
        }
        staffSessions.token(headers, request).ifPresent(sessions::revoke);
        Set<String> amr = new java.util.LinkedHashSet<>(List.of("ext"));
        amr.addAll(strong);
        String token = sessions.create(account.get().id(), StaffSession.Stage.FULL, amr, client);
        csrf.renew();
        audit.record(Actor.staff(account.get().username().value()), "staff.signin.succeeded", account.get().auditSubject(), null,
                "idp=" + idp.name() + " amr=" + String.join(" ", amr) + " groups=" + StaffRepository.groups(groups) + " ip=" + client.address());
        Response done = completed(token);
        return Response.fromResponse(done).cookie(new jakarta.ws.rs.core.NewCookie.Builder(IDP_COOKIE).value("").path("/staff/signin/external")
                .httpOnly(true).maxAge(0).build()).build();
    }

    private Optional<ExternalIdp.Flow> flow(String cookie) {
        int mac = cookie.lastIndexOf('.');
        if (mac < 0) {
            return Optional.empty();
        }
        String value = cookie.substring(0, mac);
        String expected = keys.macHex(KeyRing.Purpose.COOKIE, "staff-idp:" + value);
        String[] parts = value.split("\\.");
        if (parts.length != 3 || !java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                cookie.substring(mac + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(new ExternalIdp.Flow(parts[0], parts[1], parts[2]));
    }

    @POST
    @Path("signin")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("username") String username, @FormParam("password") String password) {
        if (username == null || username.isBlank() || password == null || password.isEmpty()
                || username.length() > 254 || password.length() > MAX_PASSWORD_CHARS) {
            return signInError("staff.signin.error.missing", 200);
        }
        ClientInfo client = staffSessions.client(request);
        StaffSignIn.Result result = signIn.signIn(username, password, client);
        metrics.counter("rempart.staff.signin", new Tag("outcome", result.outcome().name().toLowerCase(Locale.ROOT))).inc();
        if (result.outcome() == StaffSignIn.Outcome.ADDRESS_LIMITED) {
            return signInError("signin.error.address-limited", 429);
        }
        if (result.outcome() == StaffSignIn.Outcome.FAILED) {
            return signInError("staff.signin.error.failed", 200);
        }
        StaffAccount account = result.account();
        staffSessions.token(headers, request).ifPresent(sessions::revoke);
        // No way around the second factor: an account without one enrols it now, before anything else.
        StaffSession.Stage stage = account.totpEnrolled() ? StaffSession.Stage.PASSWORD_DONE : StaffSession.Stage.TOTP_ENROL;
        String token = sessions.create(account.id(), stage, Set.of("pwd"), client);
        csrf.renew();
        return Response.seeOther(URI.create(landing(stage))).cookie(staffSessions.cookie(token, request)).build();
    }

    @GET
    @Path("signin/code")
    public Response codePage() {
        if (current(StaffSession.Stage.PASSWORD_DONE).isEmpty()) {
            return elsewhere();
        }
        return Response.ok(pages.render("staff-code", locale(), model("staff.code.title"))).build();
    }

    @POST
    @Path("signin/code")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response code(@FormParam("code") String code) {
        Optional<Current> current = current(StaffSession.Stage.PASSWORD_DONE);
        if (current.isEmpty()) {
            return elsewhere();
        }
        StaffTotp.Outcome outcome = totp.verify(current.get().account(), code, staffSessions.client(request));
        metrics.counter("rempart.staff.second_factor", new Tag("outcome", outcome.name().toLowerCase(Locale.ROOT))).inc();
        if (outcome != StaffTotp.Outcome.ACCEPTED) {
            Map<String, Object> model = model("staff.code.title");
            model.put("error", Messages.get(locale(), "staff.code.error." + outcome.name()));
            return Response.status(outcome == StaffTotp.Outcome.LOCKED ? 429 : 400).entity(pages.render("staff-code", locale(), model)).build();
        }
        return afterSecondFactor(current.get());
    }

    @GET
    @Path("signin/enrol")
    public Response enrolPage() {
        Optional<Current> current = current(StaffSession.Stage.TOTP_ENROL);
        if (current.isEmpty()) {
            return elsewhere();
        }
        return Response.ok(enrolment(current.get(), null)).build();
    }

    @POST
    @Path("signin/enrol")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enrol(@FormParam("code") String code) {
        Optional<Current> current = current(StaffSession.Stage.TOTP_ENROL);
        if (current.isEmpty()) {
            return elsewhere();
        }
        if (!totp.confirm(current.get().account(), current.get().session(), code, staffSessions.client(request))) {
            return Response.status(400).entity(enrolment(current.get(), Messages.get(locale(), "totp.enrol.invalid-code"))).build();
        }
        return afterSecondFactor(current.get());
    }

    @GET
    @Path("signin/password")
    public Response passwordPage() {
        Optional<Current> current = current(StaffSession.Stage.PASSWORD_CHANGE);
        if (current.isEmpty()) {
            return elsewhere();
        }
        return Response.ok(passwordForm(current.get().account(), Map.of())).build();
    }

    @POST
    @Path("signin/password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response password(MultivaluedMap<String, String> form) {
        Optional<Current> current = current(StaffSession.Stage.PASSWORD_CHANGE);
        if (current.isEmpty()) {
            return elsewhere();
        }
        StaffAccount account = current.get().account();
        String password = form.getFirst("newPassword");
        Map<String, List<String>> errors = accounts.check(account, password, form.getFirst("confirmPassword"), locale());
        if (!errors.isEmpty()) {
            return Response.status(400).entity(passwordForm(account, errors)).build();
        }
        accounts.changePassword(account, password, current.get().session(), staffSessions.client(request));
        return promote(current.get(), StaffSession.Stage.FULL, current.get().session().amr(), null);
    }

    /**
     * An application asks this staff member to sign in again: the session ends only when they confirm here
     * (a link from another site cannot sign anyone out); the waiting request resumes after the new sign-in.
     */
    @GET
    @Path("signin/again")
    public Response againPage() {
        if (current(StaffSession.Stage.FULL).isEmpty()) {
            return redirect(StaffSessions.SIGN_IN_PATH);
        }
        return Response.ok(pages.render("staff-again", locale(), model("staff.again.title"))).build();
    }

    @POST
    @Path("signin/again")
    public Response again() {
        staffSessions.session(headers, request).ifPresent(s -> staff.byId(s.staff()).ifPresent(a -> audit.record(Actor.staff(a.username().value()),
                "staff.signout", a.auditSubject(), "sign in again, asked by an application", "sid=" + s.sid()
                        + " ip=" + staffSessions.client(request).address())));
        staffSessions.token(headers, request).ifPresent(sessions::revoke);
        return Response.seeOther(URI.create(StaffSessions.SIGN_IN_PATH)).cookie(staffSessions.clearedCookie(request)).build();
    }

    @POST
    @Path("signout")
    public Response signOut() {
        staffSessions.session(headers, request).ifPresent(s -> staff.byId(s.staff()).ifPresent(a -> audit.record(Actor.staff(a.username().value()),
                "staff.signout", a.auditSubject(), null, "sid=" + s.sid() + " ip=" + staffSessions.client(request).address())));
        staffSessions.token(headers, request).ifPresent(sessions::revoke);
        return Response.seeOther(URI.create(StaffSessions.SIGN_IN_PATH + "?signedOut")).cookie(staffSessions.clearedCookie(request)).build();
    }

    /** Both factors given: a password of one's own next if the current one came from an administrator, otherwise signed in. */
    private Response afterSecondFactor(Current current) {
        Set<String> amr = new LinkedHashSet<>(current.session().amr());
        amr.add("otp");
        StaffSession.Stage next = current.account().mustChangePassword() ? StaffSession.Stage.PASSWORD_CHANGE : StaffSession.Stage.FULL;
        return promote(current, next, amr, clock.instant());
    }

    private Response promote(Current current, StaffSession.Stage next, Set<String> amr, Instant authTime) {
        Optional<String> token = sessions.promote(current.session(), next, amr, authTime, staffSessions.client(request));
        if (token.isEmpty()) {
            return redirect(StaffSessions.SIGN_IN_PATH); // ended meanwhile (signed out in another tab, revoked)
        }
        csrf.renew();
        if (next != StaffSession.Stage.FULL) {
            return Response.seeOther(URI.create(landing(next))).cookie(staffSessions.cookie(token.get(), request)).build();
        }
        StaffAccount account = current.account();
        audit.record(Actor.staff(account.username().value()), "staff.signin.succeeded", account.auditSubject(), null,
                "amr=" + String.join(" ", amr) + " sid=" + current.session().sid() + " ip=" + staffSessions.client(request).address());
        return completed(token.get());
    }

    /** Signed in: back to the waiting return path (and forget it), or the staff home page. */
    private Response completed(String token) {
        boolean secure = staffSessions.client(request).secure();
        Optional<String> back = ReturnPath.of(headers);
        Response.ResponseBuilder answer = Response.seeOther(URI.create(back.orElse("/staff")));
        if (token != null) {
            answer.cookie(staffSessions.cookie(token, request));
        }
        if (headers.getCookies().containsKey(ReturnPath.COOKIE)) {
            answer.cookie(ReturnPath.cleared(secure));
        }
        return answer.build();
    }

    private String enrolment(Current current, String error) {
        TotpService.Enrolment enrolment = totp.enrolment(current.account(), current.session());
        Map<String, Object> model = model("totp.enrol.title");
        model.put("why", Messages.get(locale(), "staff.enrol.why"));
        model.put("qr", enrolment.qrDataUri());
        model.put("key", enrolment.groupedKey());
        model.put("uri", enrolment.uri());
        model.put("action", "/staff/signin/enrol");
        model.put("error", error);
        return pages.render("totp-enrol", locale(), model);
    }

    private String passwordForm(StaffAccount account, Map<String, List<String>> errors) {
        return UpdatePasswordStep.PasswordPage.render(pages, model("staff.password.title"), locale(), accounts.minLength(account), accounts.maxLength(),
                "/staff/signin/password", "staff.password.title", "staff.password.why", errors);
    }

    /** This browser's session and its account, when it is at this stage and the account may still sign in. */
    private Optional<Current> current(StaffSession.Stage stage) {
        return staffSessions.session(headers, request).filter(s -> s.stage() == stage)
                .flatMap(s -> staff.byId(s.staff()).filter(a -> !a.disabled()).map(a -> new Current(s, a)));
    }

    /** Where this browser belongs instead: its session's page, or the sign-in page (ending a session whose account was disabled). */
    private Response elsewhere() {
        Optional<StaffSession> session = staffSessions.session(headers, request);
        if (session.isEmpty()) {
            return redirect(StaffSessions.SIGN_IN_PATH);
        }
        if (staff.byId(session.get().staff()).filter(a -> !a.disabled()).isEmpty()) {
            staffSessions.token(headers, request).ifPresent(sessions::revoke);
            return Response.seeOther(URI.create(StaffSessions.SIGN_IN_PATH)).cookie(staffSessions.clearedCookie(request)).build();
        }
        return redirect(landing(session.get().stage()));
    }

    private Response signInError(String key, int status) {
        Map<String, Object> model = model("staff.signin.title");
        model.put("error", Messages.get(locale(), key));
        // The typed name is not echoed: it could be a password typed in the wrong field.
        return Response.status(status).entity(pages.render("staff-signin", locale(), model)).build();
    }

    private Map<String, Object> model(String titleKey) {
        Map<String, Object> model = pages.base(Messages.get(locale(), titleKey), csrf.formToken(), request.getRequestURI());
        if (idp.configured()) {
            model.put("externalIdp", idp.name());
        }
        return model;
    }

    private Locale locale() {
        return Locales.of(headers);
    }

    private static Response redirect(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
