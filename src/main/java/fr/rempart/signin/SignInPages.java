package fr.rempart.signin;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.RequiredActionStep;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ReturnPath;
import jakarta.enterprise.inject.Instance;
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
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The member's pages: sign in, required actions, account, sign out. Each answer is rendered on the
 * server; forms post back here with a CSRF token and follow Post/Redirect/Get on success.
 */
@Path("")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class SignInPages {

    private static final int MAX_PASSWORD_CHARS = 1024;
    /** Where a session gives the proof a flagged account's hardening needs. */
    private static final String PROOF = "/signin/proof";

    @Inject
    SignInService signIn;
    @Inject
    BrowserSessions browser;
    @Inject
    SessionStore sessions;
    @Inject
    DeviceCookies devices;
    @Inject
    MemberDirectory members;
    @Inject
    MemberService memberService;
    @Inject
    SecurityTimeline timeline;
    @Inject
    AuditTrail audit;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Inject
    Settings settings;
    @Inject
    Instance<RequiredActionStep> steps;
    @Inject
    Instance<SecondFactor> secondFactor;
    @Inject
    MetricRegistry metrics;
    @Inject
    HardeningProofs proofs;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    public Response home() {
        return redirect(browser.current(headers, request).map(s -> landing(s.stage())).orElse("/signin"));
    }

    /** Where a session of this stage belongs. */
    private static String landing(WebSession.Stage stage) {
        return switch (stage) {
            case SECOND_FACTOR -> "/signin/second-factor";
            case REQUIRED_ACTIONS -> "/required-actions";
            case FULL -> "/account";
        };
    }

    private boolean secondFactorEnrolled(Member member) {
        return secondFactor.stream().anyMatch(f -> f.enrolled(member.id()));
    }

    @GET
    @Path("signin/second-factor")
    public Response secondFactorPage() {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty() || session.get().stage() != WebSession.Stage.SECOND_FACTOR) {
            return redirect(session.map(s -> landing(s.stage())).orElse("/signin"));
        }
        Map<String, Object> model = model("second_factor_title");
        model.put("action", "/signin/second-factor");
        return Response.ok(pages.render("second-factor", locale(), model)).build();
    }

    @POST
    @Path("signin/second-factor")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response secondFactorSubmit(@FormParam("code") String code) {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty() || session.get().stage() != WebSession.Stage.SECOND_FACTOR) {
            return redirect(session.map(s -> landing(s.stage())).orElse("/signin"));
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        SecondFactor.Result result = secondFactor.get().verify(member, code == null || code.length() > 64 ? "" : code, browser.client(request));
        metrics.counter("rempart.second_factor", new Tag("outcome", result.outcome().name().toLowerCase(Locale.ROOT))).inc();
        if (!result.accepted()) {
            Map<String, Object> model = model("second_factor_title");
            model.put("action", "/signin/second-factor");
            model.put("error", Messages.get(locale(), "second-factor.error." + result.outcome().name()));
            return Response.status(result.outcome() == SecondFactor.Outcome.LOCKED ? 429 : 400)
                    .entity(pages.render("second-factor", locale(), model)).build();
        }
        Set<String> amr = new java.util.LinkedHashSet<>(session.get().amr());
        amr.add("otp");
        WebSession.Stage next = member.requiredActions().isEmpty() ? WebSession.Stage.FULL : WebSession.Stage.REQUIRED_ACTIONS;
        Optional<String> token = sessions.promote(session.get(), next, amr, browser.client(request));
        if (token.isEmpty()) {
            return redirect("/signin");
        }
        csrf.renew();
        return arrive(next, token.get());
    }

    @GET
    @Path("signin")
    public Response signInPage(@QueryParam("signedOut") String signedOut, @QueryParam("passwordChanged") String passwordChanged,
                               @QueryParam("reauth") String reauth) {
        Optional<WebSession> session = browser.current(headers, request);
        // An application asked for a fresh sign-in (prompt=login, max_age): the form is shown, the session stays until it succeeds.
        boolean again = reauth != null && session.isPresent() && session.get().full();
        if (session.isPresent() && !again) {
            return redirect(landing(session.get().stage()));
        }
        Map<String, Object> model = model("signin_title");
        model.put("reauth", again);
        model.put("signedOut", signedOut != null);
        model.put("passwordChanged", passwordChanged != null);
        return Response.ok(pages.render("signin", locale(), model)).build();
    }

    @POST
    @Path("signin")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("identifier") String identifier, @FormParam("password") String password) {
        Locale locale = locale();
        ClientInfo client = browser.client(request);
        if (identifier == null || identifier.isBlank() || password == null || password.isEmpty()
                || identifier.length() > 254 || password.length() > MAX_PASSWORD_CHARS) {
            return signInError(identifier, "signin.error.missing", 200);
        }
        SignInService.Result result = signIn.signIn(identifier.strip(), password, client, browser.device(headers));
        metrics.counter("rempart.signin", new Tag("outcome", result.outcome().name().toLowerCase(Locale.ROOT))).inc();
        if (result.outcome() == SignInService.Outcome.ADDRESS_LIMITED) {
            return signInError(identifier, "signin.error.address-limited", 429);
        }
        if (result.outcome() == SignInService.Outcome.FAILED) {
            return signInError(identifier, "signin.error.failed", 200);
        }
        Member member = result.member();
        WebSession.Stage stage = secondFactorEnrolled(member) ? WebSession.Stage.SECOND_FACTOR
                : member.requiredActions().isEmpty() ? WebSession.Stage.FULL : WebSession.Stage.REQUIRED_ACTIONS;
        Optional<WebSession> previous = browser.current(headers, request);
        String token;
        if (previous.isPresent() && previous.get().member().equals(member.id())) {
            // The same member signing in again (re-authentication): same session id, fresh authentication time.
            token = sessions.reauthenticate(previous.get(), stage, Set.of("pwd"), client);
        } else {
            browser.token(headers, request).ifPresent(sessions::revoke);
            token = sessions.create(member.id(), stage, Set.of("pwd"), client);
        }
        csrf.renew();
        return Response.fromResponse(arrive(stage, token)).cookie(browser.deviceCookie(devices.issue(member.id()), request)).build();
    }

    @POST
    @Path("signout")
    public Response signOut() {
        browser.current(headers, request).ifPresent(s -> members.byId(s.member()).ifPresent(m -> {
            timeline.record(m.id(), "signout", browser.client(request).address(), null);
            audit.record(Actor.member(m.number().value()), "signout", m.number().value(), null, null);
        }));
        browser.token(headers, request).ifPresent(sessions::revoke);
        return Response.seeOther(URI.create("/signin?signedOut")).cookie(browser.clearedSessionCookie(request)).build();
    }

    @GET
    @Path("account")
    public Response account() {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty()) {
            return redirect("/signin");
        }
        if (!session.get().full()) {
            return redirect(landing(session.get().stage()));
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        Locale locale = locale();
        DateTimeFormatter format = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneId.of("Europe/Paris"));
        Map<String, Object> model = model("account_title");
        secondFactor.stream().findFirst().map(f -> f.summary(member.id())).ifPresent(summary -> {
            model.put("secondFactor", summary.enrolled());
            model.put("secondFactorSince", summary.since() == null ? "" : format.format(summary.since()));
            model.put("recoveryCodesLeft", summary.recoveryCodesLeft());
            model.put("recoveryCodesLow", summary.enrolled() && summary.recoveryCodesLeft() <= 3);
        });
        model.put("name", member.displayName());
        model.put("memberNumber", member.number().value());
        model.put("nir", member.nirMasked());
        model.put("email", member.email() == null ? null : member.email().value());
        model.put("phone", member.phone() == null ? null : member.phone().masked());
        model.put("sessions", sessions.countActive(member.id()));
        model.put("factors", String.join(", ", session.get().amr()));
        model.put("events", timeline.recent(member.id(), 20).stream().map(e -> Map.of(
                "at", format.format(e.at()), "type", Messages.get(locale, "event." + e.type()), "ip", e.ip() == null ? "" : e.ip())).toList());
        return Response.ok(pages.render("account", locale, model)).build();
    }

    @GET
    @Path("required-actions")
    public Response requiredActions() {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty() || session.get().stage() == WebSession.Stage.SECOND_FACTOR) {
            return redirect(session.map(x -> landing(x.stage())).orElse("/signin"));
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        return next(session.get(), member);
    }

    @GET
    @Path("required-actions/{step}")
    public Response stepPage(@PathParam("step") String path) {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty() || session.get().stage() == WebSession.Stage.SECOND_FACTOR) {
            return redirect(session.map(x -> landing(x.stage())).orElse("/signin"));
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        RequiredActionStep step = step(path);
        if (!member.requiredActions().contains(step.action())) {
            return next(session.get(), member);
        }
        if (awaitsProof(session.get(), member)) {
            return redirect(PROOF);
        }
        return Response.ok(step.render(stepContext(member, session.get()), null)).build();
    }

    @POST
    @Path("required-actions/{step}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response stepSubmit(@PathParam("step") String path, MultivaluedMap<String, String> form) {
        Optional<WebSession> session = browser.current(headers, request);
        if (session.isEmpty() || session.get().stage() == WebSession.Stage.SECOND_FACTOR) {
            return redirect(session.map(x -> landing(x.stage())).orElse("/signin"));
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        RequiredActionStep step = step(path);
        if (!member.requiredActions().contains(step.action())) {
            return next(session.get(), member);
        }
        if (awaitsProof(session.get(), member)) {
            return redirect(PROOF); // a password alone finishes nothing on this account
        }
        RequiredActionStep.Context context = stepContext(member, session.get());
        RequiredActionStep.Submission submission = step.submit(context, form);
        if (submission.page() != null) {
            // The last action may be done already (the enrolment completes its own): a member who closes the recovery codes page is not left at risk.
            members.byId(member.id()).filter(m -> m.requiredActions().isEmpty()).ifPresent(m -> completeHardening(session.get(), m));
            Response.ResponseBuilder page = Response.ok(submission.page());
            if (submission.secondFactorUsed() && !session.get().amr().contains("otp")) {
                // Enrolment confirmed with a code from the new authenticator: a second factor used in this session.
                Set<String> amr = new java.util.LinkedHashSet<>(session.get().amr());
                amr.add("otp");
                sessions.promote(session.get(), session.get().stage(), amr, browser.client(request))
                        .ifPresent(token -> page.cookie(browser.sessionCookie(token, request)));
            }
            return page.build();
        }
        if (!submission.done()) {
            return Response.status(400).entity(step.render(context, submission)).build();
        }
        Member updated = memberService.completeRequiredAction(member.id(), step.action(), Actor.member(member.number().value()));
        return next(session.get(), updated);
    }

    /** No action left, in the session that gave the proof: the hardening was finished with it, and the account is no longer at risk. */
    private void completeHardening(WebSession session, Member member) {
        if (proofs.required(member.id()) && proofs.proven(session)) {
            proofs.complete(member, proofs.channel(session));
        }
    }

    /** The account's hardening needs a proof the leak does not give, and this session has not given it. */
    private boolean awaitsProof(WebSession session, Member member) {
        return proofs.required(member.id()) && !proofs.proven(session);
    }

    /** Where a session that must give the proof gives it; anyone else goes where their session belongs. */
    private Optional<Response> redirectUnlessAwaitingProof(Optional<WebSession> session, Member member) {
        if (session.isEmpty() || session.get().stage() == WebSession.Stage.SECOND_FACTOR) {
            return Optional.of(redirect(session.map(x -> landing(x.stage())).orElse("/signin")));
        }
        return !awaitsProof(session.get(), member) ? Optional.of(next(session.get(), member)) : Optional.empty();
    }

    @GET
    @Path("signin/proof")
    public Response proofPage() {
        Optional<WebSession> session = browser.current(headers, request);
        Member member = session.flatMap(s -> members.byId(s.member())).orElse(null);
        Optional<Response> elsewhere = member == null ? Optional.of(redirect("/signin")) : redirectUnlessAwaitingProof(session, member);
        return elsewhere.orElseGet(() -> Response.ok(proofPage(member, null, null)).build());
    }

    /** {@code send}: a code to the e-mail on file; otherwise the {@code code} typed (the e-mail's or the letter's). */
    @POST
    @Path("signin/proof")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response proofSubmit(@FormParam("send") String send, @FormParam("code") String code) {
        Optional<WebSession> session = browser.current(headers, request);
        Member member = session.flatMap(s -> members.byId(s.member())).orElse(null);
        Optional<Response> elsewhere = member == null ? Optional.of(redirect("/signin")) : redirectUnlessAwaitingProof(session, member);
        if (elsewhere.isPresent()) {
            return elsewhere.get();
        }
        ClientInfo client = browser.client(request);
        if (send != null) {
            HardeningProofs.Sent sent = proofs.sendEmailCode(member, session.get(), client);
            return switch (sent) {
                case SENT -> Response.ok(proofPage(member, Messages.get(locale(), "proof.sent", member.email().masked()), null)).build();
                case LIMITED -> Response.status(429).entity(proofPage(member, null, Messages.get(locale(), "proof.error.LIMITED"))).build();
                case NO_EMAIL -> Response.status(400).entity(proofPage(member, null, Messages.get(locale(), "proof.error.NO_EMAIL"))).build();
            };
        }
        HardeningProofs.Check check = proofs.verify(member, session.get(), code == null || code.length() > 64 ? "" : code, client);
        if (check != HardeningProofs.Check.PROVEN) {
            return Response.status(check == HardeningProofs.Check.LOCKED ? 429 : 400)
                    .entity(proofPage(member, null, Messages.get(locale(), "proof.error." + check.name()))).build();
        }
        return next(session.get(), member);
    }

    private String proofPage(Member member, String status, String error) {
        Map<String, Object> model = model("proof_title");
        model.put("email", member.email() == null ? null : member.email().masked());
        model.put("status", status);
        model.put("error", error);
        model.put("helpdesk", settings.helpdeskPhone());
        return pages.render("hardening-proof", locale(), model);
    }

    /**
     * An application asked for a second factor (acr_values) and this session has only a password. Nothing
     * changes until the member acts on this page: a link from another site cannot demote a session or
     * add a required action by itself.
     */
    @GET
    @Path("signin/step-up")
    public Response stepUpPage() {
        Optional<WebSession> session = browser.current(headers, request);
        Optional<Response> elsewhere = redirectUnlessStepUp(session);
        if (elsewhere.isPresent()) {
            return elsewhere.get();
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        return Response.ok(stepUpPage(member, null)).build();
    }

    /** {@code code}: the second factor, which raises this session; {@code enrol}: set one up now (a required action). */
    @POST
    @Path("signin/step-up")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response stepUpSubmit(@FormParam("code") String code, @FormParam("enrol") String enrol) {
        Optional<WebSession> session = browser.current(headers, request);
        Optional<Response> elsewhere = redirectUnlessStepUp(session);
        if (elsewhere.isPresent()) {
            return elsewhere.get();
        }
        Member member = members.byId(session.get().member()).orElseThrow(NotFoundException::new);
        ClientInfo client = browser.client(request);
        if (secondFactorEnrolled(member)) {
            SecondFactor.Result result = secondFactor.get().verify(member, code == null || code.length() > 64 ? "" : code, client);
            metrics.counter("rempart.second_factor", new Tag("outcome", result.outcome().name().toLowerCase(Locale.ROOT))).inc();
            if (!result.accepted()) {
                return Response.status(result.outcome() == SecondFactor.Outcome.LOCKED ? 429 : 400)
                        .entity(stepUpPage(member, Messages.get(locale(), "second-factor.error." + result.outcome().name()))).build();
            }
            Set<String> amr = new java.util.LinkedHashSet<>(session.get().amr());
            amr.add("otp");
            Optional<String> token = sessions.promote(session.get(), WebSession.Stage.FULL, amr, client);
            if (token.isEmpty()) {
                return redirect("/signin");
            }
            csrf.renew();
            return arrive(WebSession.Stage.FULL, token.get());
        }
        if (enrol == null) {
            return Response.status(400).entity(stepUpPage(member, null)).build();
        }
        // The member chose to set one up: enrolling is then a required action, behind the proof when the account needs it.
        memberService.requireAction(member.id(), RequiredAction.CONFIGURE_TOTP, Actor.member(member.number().value()),
                "second factor asked by an application");
        Optional<String> token = sessions.promote(session.get(), WebSession.Stage.REQUIRED_ACTIONS, session.get().amr(), client);
        if (token.isEmpty()) {
            return redirect("/signin");
        }
        csrf.renew();
        return Response.seeOther(URI.create("/required-actions")).cookie(browser.sessionCookie(token.get(), request)).build();
    }

    /** A step-up is for a full session with a password only; any other goes where it belongs (back to the application once it has a second factor). */
    private Optional<Response> redirectUnlessStepUp(Optional<WebSession> session) {
        if (session.isEmpty() || !session.get().full()) {
            return Optional.of(redirect(session.map(s -> landing(s.stage())).orElse("/signin")));
        }
        return session.get().amr().contains("otp") ? Optional.of(arrive(WebSession.Stage.FULL, null)) : Optional.empty();
    }

    private String stepUpPage(Member member, String error) {
        Map<String, Object> model = model("second_factor_title");
        model.put("stepUp", true);
        model.put("enrolled", secondFactorEnrolled(member));
        model.put("action", "/signin/step-up");
        model.put("error", error);
        return pages.render("second-factor", locale(), model);
    }

    @GET
    @Path("lang/{lang: fr|en}")
    public Response language(@PathParam("lang") String lang, @QueryParam("return") String back) {
        String target = ReturnPath.local(back) ? back : "/"; // a local path only: never another site, never a mangled address
        return Response.seeOther(URI.create(target)).cookie(new NewCookie.Builder(Locales.COOKIE).value(lang).path("/")
                .maxAge(365 * 24 * 3600).sameSite(NewCookie.SameSite.LAX).secure(browser.client(request).secure()).build()).build();
    }

    /** The next required action's page, or, when none is left, a new full session. */
    private Response next(WebSession session, Member member) {
        Optional<RequiredAction> pending = member.requiredActions().stream().findFirst();
        if (pending.isPresent() && awaitsProof(session, member)) {
            return redirect(PROOF);
        }
        if (pending.isEmpty()) {
            completeHardening(session, member);
        }
        if (pending.isPresent()) {
            RequiredActionStep step = steps.stream().filter(s -> s.action() == pending.get()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No step for " + pending.get()));
            return redirect("/required-actions/" + step.path());
        }
        if (session.full()) {
            return redirect("/account");
        }
        Optional<String> token = sessions.promote(session, WebSession.Stage.FULL, session.amr(), browser.client(request));
        if (token.isEmpty()) {
            return redirect("/signin"); // revoked meanwhile (signed out elsewhere, helpdesk, incident)
        }
        csrf.renew();
        return arrive(WebSession.Stage.FULL, token.get());
    }

    /**
     * The answer once a sign-in stage is passed: the new session cookie and the stage's page, or, once
     * the session is full, the page that sent the member to sign in (an OpenID authorization request).
     */
    private Response arrive(WebSession.Stage stage, String token) {
        boolean secure = browser.client(request).secure();
        Optional<String> back = stage == WebSession.Stage.FULL ? ReturnPath.of(headers) : Optional.empty();
        Response.ResponseBuilder answer = Response.seeOther(URI.create(back.orElse(landing(stage))));
        if (token != null) {
            answer.cookie(browser.sessionCookie(token, request));
        }
        back.ifPresent(b -> answer.cookie(ReturnPath.cleared(secure)));
        return answer.build();
    }

    private RequiredActionStep step(String path) {
        return steps.stream().filter(s -> s.path().equals(path)).findFirst().orElseThrow(NotFoundException::new);
    }

    private RequiredActionStep.Context stepContext(Member member, WebSession session) {
        return new RequiredActionStep.Context(member, session, browser.client(request), locale(), model("required_title"));
    }

    private Response signInError(String identifier, String key, int status) {
        Map<String, Object> model = model("signin_title");
        model.put("error", Messages.get(locale(), key));
        // Echo only what cannot be a NIR (even a mistyped one): an e-mail address or a member number.
        boolean safe = identifier != null && (identifier.contains("@") || MemberNumber.valid(identifier));
        model.put("identifier", safe ? identifier : "");
        return Response.status(status).entity(pages.render("signin", locale(), model)).build();
    }

    private Map<String, Object> model(String titleKey) {
        return pages.base(Messages.get(locale(), titleKey.replace('_', '.')), csrf.formToken(), request.getRequestURI());
    }

    private Locale locale() {
        return Locales.of(headers);
    }

    private static Response redirect(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

}
