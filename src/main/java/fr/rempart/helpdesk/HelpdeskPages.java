package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;
import fr.rempart.member.Member;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.Nir;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.staff.StaffPrincipal;
import fr.rempart.signin.staff.StaffSessions;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The helpdesk console, for staff signed in as {@code helpdesk-agent} or {@code helpdesk-supervisor}:
 * find a member, see the account's state, prove the caller (a code sent to the contact on file, or a
 * document checked face to face), then act with a reason; supervisors approve the four-eyes requests.
 * The leaked facts (name, birth date, NIR) are shown marked "not a proof". Same services as the API
 * ({@link HelpdeskActions}, {@link Verifications}); errors are shown on the page, changes redirect.
 */
@Path("staff/helpdesk")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class HelpdeskPages {

    @Inject
    Clock clock;
    @Inject
    AccountState states;
    @Inject
    Verifications verifications;
    @Inject
    HelpdeskActions actions;
    @Inject
    StaffSessions staff;
    @Inject
    HelpdeskApi api;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    public Response searchPage() {
        agent("/staff/helpdesk");
        return search(null, null, null);
    }

    /**
     * Posted, not in the URL: a whole NIR typed here must not end up in browser history or proxy logs.
     * Each search is audited with its optional reason and counts in the agent's hourly limit.
     */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response searched(@FormParam("q") String q, @FormParam("reason") String reason) {
        return search(agent("/staff/helpdesk"), q, reason);
    }

    private Response search(Agent agent, String q, String reason) {
        Map<String, Object> model = base(Messages.get(locale(), "helpdesk.title"));
        // A whole NIR is not written back into the page: the answers show it masked, the field starts empty.
        model.put("q", q == null || Nir.problem(q.strip()).isEmpty() ? "" : q);
        model.put("reason", reason == null ? "" : reason);
        if (q != null && !q.isBlank()) {
            List<Member> found;
            try {
                found = api.search(agent, q, reason, locale());
            } catch (ProblemException e) {
                model.put("error", Messages.get(locale(), e.key(), e.arguments()));
                return html("helpdesk-search", model, e.status());
            } catch (InvalidInputException e) {
                model.put("error", e.errors().get(0).message());
                return html("helpdesk-search", model, 400);
            }
            model.put("searched", true);
            model.put("results", found.stream().map(m -> Map.of("number", m.number().value(), "name", m.displayName(),
                    "birthDate", m.birthDate().format(DateTimeFormatter.ofPattern("dd/MM/yyyy")), "nir", m.nirMasked())).toList());
        }
        return html("helpdesk-search", model, 200);
    }

    @GET
    @Path("members/{number}")
    public Response member(@PathParam("number") String number, @QueryParam("done") String done, @QueryParam("pending") String pending,
                           @QueryParam("reason") String reason) {
        Agent agent = agent("/staff/helpdesk/members/" + number);
        Map<String, Object> model = memberModel(number, agent, reason);
        HelpdeskAction.of(done == null ? "" : done).ifPresent(a -> model.put("notice", Messages.get(locale(), "helpdesk.action." + a.path() + ".done")));
        HelpdeskAction.of(pending == null ? "" : pending).ifPresent(a -> model.put("notice", Messages.get(locale(), "helpdesk.action.pending")));
        return html("helpdesk-member", model, 200);
    }

    @POST
    @Path("members/{number}/verifications")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response prove(@PathParam("number") String number, @FormParam("method") String method, @FormParam("checked") String checked) {
        Agent agent = agent("/staff/helpdesk/members/" + number);
        Member member = member(number);
        try {
            if ("in-person".equals(method)) {
                if (checked == null || checked.isBlank() || checked.length() > 500) {
                    throw new ProblemException(400, "helpdesk.verification.checked-required");
                }
                actions.inPerson(member, agent, checked.strip());
            } else {
                actions.sendCode(member, agent, "sms".equals(method) ? Verifications.Method.SMS_CODE : Verifications.Method.EMAIL_CODE);
            }
        } catch (ProblemException e) {
            return error(number, agent, e.status(), Messages.get(locale(), e.key(), e.arguments()), "verification");
        }
        return back(number, "");
    }

    @POST
    @Path("members/{number}/verifications/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response confirm(@PathParam("number") String number, @PathParam("id") String id, @FormParam("code") String code) {
        Agent agent = agent("/staff/helpdesk/members/" + number);
        Verifications.Check check = verifications.confirm(member(number), agent, id, code);
        if (check != Verifications.Check.VERIFIED) {
            int status = check == Verifications.Check.WRONG ? 400 : check == Verifications.Check.REPLAYED ? 409
                    : check == Verifications.Check.EXPIRED ? 410 : check == Verifications.Check.LOCKED ? 429 : 404;
            return error(number, agent, status, Messages.get(locale(), "helpdesk.verification." + check.name().toLowerCase(Locale.ROOT)), "code");
        }
        return back(number, "");
    }

    @POST
    @Path("members/{number}/actions/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response act(@PathParam("number") String number, @PathParam("action") String path, @FormParam("reason") String reason,
                        @FormParam("verification") String verification) {
        Agent agent = agent("/staff/helpdesk/members/" + number);
        Member member = member(number);
        HelpdeskAction action = HelpdeskAction.of(path).orElseThrow(() -> new ProblemException(404, "helpdesk.action.unknown"));
        HelpdeskActions.Outcome outcome;
        try {
            outcome = actions.request(member, action, reason, verification, agent, locale());
        } catch (ProblemException e) {
            return error(number, agent, e.status(), Messages.get(locale(), e.key(), e.arguments()), "reason-" + action.path());
        } catch (InvalidInputException e) {
            return error(number, agent, 400, e.errors().get(0).message(), "reason-" + action.path());
        }
        return back(number, (outcome.done() ? "?done=" : "?pending=") + action.path());
    }

    /** The supervisors' queue: requests waiting for a second person, and alerts on an agent's unusual volume. */
    @GET
    @Path("approvals")
    public Response approvals() {
        Agent supervisor = supervisor();
        Map<String, Object> model = base(Messages.get(locale(), "helpdesk.approvals.title"));
        model.put("approvals", actions.pending().stream().map(a -> {
            Map<String, Object> row = new HashMap<>();
            row.put("id", a.id());
            row.put("member", a.memberNumber());
            row.put("action", Messages.get(locale(), "helpdesk.action." + a.action().path()));
            row.put("reason", a.reason());
            row.put("requestedBy", a.requestedBy());
            row.put("at", date(a.createdAt()));
            row.put("expired", a.expired(clock.instant()));
            row.put("own", a.askedBy(supervisor));
            return row;
        }).toList());
        model.put("alerts", actions.alerts().stream().map(a -> Map.of("id", a.id(), "agent", a.agent(), "actions", a.actions(), "at", date(a.createdAt())))
                .toList());
        return html("helpdesk-approvals", model, 200);
    }

    @POST
    @Path("alerts/{id}/acknowledge")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response acknowledge(@PathParam("id") long id) {
        actions.acknowledge(id, supervisor());
        return Response.seeOther(URI.create("/staff/helpdesk/approvals")).build();
    }

    @POST
    @Path("approvals/{id}/{decision}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decide(@PathParam("id") String id, @PathParam("decision") String decision) {
        Agent supervisor = supervisor();
        if (!decision.equals("approve") && !decision.equals("reject")) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        actions.decide(id, decision.equals("approve"), supervisor);
        return Response.seeOther(URI.create("/staff/helpdesk/approvals")).build();
    }

    /** The member's page: a read, audited and counted in the agent's limit (the same member again within the hour counts once). */
    private Map<String, Object> memberModel(String number, Agent agent, String reason) {
        if (!MemberNumber.valid(number)) {
            throw new ProblemException(404, "helpdesk.member.unknown");
        }
        AccountState.State state = Optional.ofNullable(actions.read(agent, HelpdeskActions.Read.MEMBER, number, reason, locale(),
                () -> new HelpdeskActions.Seen<>(states.of(number).orElse(null), "view=console"))).orElseThrow(
                () -> new ProblemException(404, "helpdesk.member.unknown"));
        Member m = state.member();
        Locale locale = locale();
        Map<String, Object> model = base(Messages.get(locale, "helpdesk.member.title", m.number().value()));
        model.put("number", m.number().value());
        model.put("name", m.displayName());
        model.put("birthDate", m.birthDate().format(DateTimeFormatter.ofPattern("dd/MM/yyyy")));
        model.put("nir", m.nirMasked());
        model.put("email", m.email() == null ? "" : m.email().masked());
        model.put("hasEmail", m.email() != null);
        model.put("hasPhone", Verifications.mobile(m));
        model.put("phone", m.phone() == null ? "" : m.phone().maskedForStaff());
        model.put("flags", state.flags().stream().map(f -> Map.of("incident", f.incident(), "at", date(f.flaggedAt()))).toList());
        model.put("flagged", !state.flags().isEmpty());
        model.put("locked", state.locked());
        model.put("locks", state.locks().stream().map(l -> Map.of("cause", Messages.get(locale, "helpdesk.lock." + l.cause()), "failures", l.failures(),
                "until", date(l.until()))).toList());
        model.put("requiredActions", m.requiredActions().stream().map(a -> Messages.get(locale, "helpdesk.required." + a.name())).toList());
        model.put("proofPending", state.hardeningProofPending());
        model.put("secondFactor", state.secondFactor().enrolled());
        model.put("recoveryCodesLeft", state.secondFactor().recoveryCodesLeft());
        model.put("sessions", state.sessions());
        model.put("reports", state.reports().stream().map(r -> Map.of("reference", r.reference().value(),
                "status", Messages.get(locale, "report.status." + r.status().name()))).toList());
        model.put("approvals", state.approvals().stream().map(a -> Map.of("action", Messages.get(locale, "helpdesk.action." + a.action().path()),
                "status", Messages.get(locale, "helpdesk.approval.status." + (a.expired(clock.instant()) ? "EXPIRED" : a.status().name())), "at", date(a.createdAt()))).toList());
        model.put("timeline", state.timeline().stream().map(e -> Map.of("at", date(e.at()), "type", e.type(), "ip", e.ip() == null ? "" : e.ip())).toList());
        Optional<Verifications.Proof> proof = verifications.latest(m, agent);
        Optional<Verifications.Proof> valid = proof.flatMap(p -> verifications.valid(m, agent, p.id()));
        model.put("verified", valid.isPresent());
        valid.ifPresent(p -> {
            model.put("verification", p.id());
            model.put("verifiedHow", Messages.get(locale, "helpdesk.verification.method." + p.method().name()));
        });
        proof.filter(p -> !p.verified() && p.expiresAt().isAfter(clock.instant())).ifPresent(p -> {
            model.put("codePending", true);
            model.put("pendingId", p.id());
            model.put("sentTo", p.sentTo());
        });
        model.put("actions", Arrays.stream(HelpdeskAction.values()).map(a -> {
            Map<String, Object> row = new HashMap<>();
            row.put("path", a.path());
            row.put("label", Messages.get(locale, "helpdesk.action." + a.path()));
            row.put("why", Messages.get(locale, "helpdesk.action." + a.path() + ".why"));
            row.put("needsVerification", a.needsVerification());
            row.put("blocked", a.needsVerification() && valid.isEmpty());
            row.put("fourEyes", a == HelpdeskAction.RESET_TOTP && !state.flags().isEmpty());
            return row;
        }).toList());
        return model;
    }

    private Response error(String number, Agent agent, int status, String message, String field) {
        Map<String, Object> model = memberModel(number, agent, null);
        model.put("error", message);
        model.put("errorField", field);
        return html("helpdesk-member", model, status);
    }

    private Member member(String number) {
        return states.member(number).orElseThrow(() -> new ProblemException(404, "helpdesk.member.unknown"));
    }

    private Agent agent(String back) {
        StaffPrincipal who = staff.require(headers, request, back, "helpdesk.forbidden", Agent.AGENT, Agent.SUPERVISOR);
        return new Agent(Actor.staff(who.username()), who.groups(), true, who.subject());
    }

    private Agent supervisor() {
        StaffPrincipal who = staff.require(headers, request, "/staff/helpdesk/approvals", "helpdesk.approval.supervisors-only", Agent.SUPERVISOR);
        return new Agent(Actor.staff(who.username()), who.groups(), true, who.subject());
    }

    private static Response back(String number, String query) {
        return Response.seeOther(URI.create("/staff/helpdesk/members/" + URLEncoder.encode(number, StandardCharsets.UTF_8) + query)).build();
    }

    private Map<String, Object> base(String title) {
        return pages.base(title, csrf.formToken(), request.getRequestURI());
    }

    private Response html(String template, Map<String, Object> model, int status) {
        return Response.status(status).entity(pages.render(template, locale(), model)).header("Cache-Control", "no-store").build();
    }

    private String date(Instant at) {
        return Pages.dateTime(at, locale(), FormatStyle.MEDIUM);
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
