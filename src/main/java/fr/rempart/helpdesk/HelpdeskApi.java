package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.MemberResource;
import fr.rempart.member.Nir;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.staff.StaffAccount;
import fr.rempart.signin.staff.StaffSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The helpdesk's JSON API's work ({@link HelpdeskResource} serves it under {@code /api/v1/members}),
 * which hands these requests here): search, an account's security state, proofs of the caller and
 * actions. Also the callers' identity: a staff token from Rempart's provider is its staff account,
 * any other helpdesk token its issuer and subject.
 */
@ApplicationScoped
public class HelpdeskApi {

    @Inject
    Clock clock;
    @Inject
    MemberDirectory directory;
    @Inject
    AccountState states;
    @Inject
    Verifications verifications;
    @Inject
    HelpdeskActions actions;
    @Inject
    StaffSessions staff;
    @Inject
    Settings settings;

    /** The body of a proof request: {@code method} "email", "sms" or "in-person"; {@code checked}: the document seen face to face. */
    public record ProofForm(String method, String checked) {
    }

    public record CodeForm(String code) {
    }

    public record ActionForm(String reason, String verification) {
    }

    /**
     * Who calls, resolved to the staff account whenever there is one, so that one person is one agent
     * whatever the way in (the four-eyes rule compares accounts): a Rempart token of a staff account is
     * that account, as on the console; a token of the external identity provider is the account its
     * sign-in created for that subject. A Rempart token of nobody we know, or a token of a disabled
     * account, is refused. An application's own token ({@code subject_kind} client; an external issuer's
     * whose subject is its client id) is no person. The groups are those the token's scopes let it use.
     */
    public Agent agent(TrustedIssuers.Caller caller) {
        boolean application = caller.application();
        if (caller.kind() == TrustedIssuers.Kind.MEMBER) {
            throw new ProblemException(403, "helpdesk.forbidden");
        }
        if (caller.local() && !application) {
            return staff.byId(caller.subject()).map(p -> new Agent(Actor.staff(p.username()), caller.roles(), true, p.subject()))
                    .orElseThrow(() -> new ProblemException(403, "helpdesk.forbidden"));
        }
        if (!caller.local() && !application) {
            Optional<StaffAccount> account = settings.apiIssuer(caller.issuerName(), "url")
                    .flatMap(issuer -> staff.externalAccount(issuer, caller.subject()));
            if (account.isPresent()) {
                if (account.get().disabled()) {
                    throw new ProblemException(403, "helpdesk.forbidden");
                }
                return new Agent(Actor.staff(account.get().username().value()), caller.roles(), true, account.get().id().toString());
            }
        }
        return new Agent(Actor.token(caller.issuerName(), caller.subject()), caller.roles(), !application, null);
    }

    /** The search, audited (the kind of query and who was found, never the query) and counted in the agent's limit before it runs. */
    public Response search(String q, String reason, Agent agent, Locale locale) {
        List<Member> members = search(agent, q, reason, locale);
        JsonArrayBuilder found = JsonBinder.JSON.createArrayBuilder();
        members.forEach(m -> found.add(summary(m)));
        return noStore(Response.ok(found.build().toString()));
    }

    /** The search as the console and the API run it: counted, then run, then audited with what it found, in one transaction. */
    List<Member> search(Agent agent, String q, String reason, Locale locale) {
        return actions.read(agent, HelpdeskActions.Read.SEARCH, null, reason, locale, () -> {
            List<Member> found = directory.search(q);
            return new HelpdeskActions.Seen<>(found, "kind=" + queryKind(q) + " found=" + found.size()
                    + (found.isEmpty() ? "" : " members=" + String.join(",", found.stream().map(m -> m.number().value()).toList())));
        });
    }

    /**
     * What kind of query was typed, for the audit trail: the query itself is never recorded (a whole NIR,
     * an address, a name with a birth date are all what an insider would collect).
     */
    static String queryKind(String q) {
        if (q == null || q.isBlank()) {
            return "empty";
        }
        String query = q.strip();
        if (query.length() > 200) {
            return "too-long";
        }
        if (Nir.problem(query).isEmpty()) {
            return "nir";
        }
        if (query.contains("@")) {
            return "email";
        }
        return MemberNumber.valid(query) ? "member-number" : "name-birth-date";
    }

    /**
     * One member's record, for the helpdesk and security staff: audited and counted as a read. The
     * contact details are masked as on the console; {@code reveal=contact} with a {@code reason} shows
     * them whole, for a person only, audited as a reveal.
     */
    public Response member(String memberNumber, String reveal, String reason, Agent agent, Locale locale) {
        boolean whole = reveal != null && !reveal.isBlank();
        if (whole && !"contact".equals(reveal.strip())) {
            throw new InvalidInputException(List.of(new FieldError("reveal", "OneOf", Messages.get(locale, "helpdesk.reveal.what"))));
        }
        if (!MemberNumber.valid(memberNumber)) {
            throw new ProblemException(404, "helpdesk.member.unknown");
        }
        Member member = actions.read(agent, whole ? HelpdeskActions.Read.CONTACT : HelpdeskActions.Read.MEMBER, memberNumber, reason, locale,
                () -> new HelpdeskActions.Seen<>(directory.byNumber(MemberNumber.parse(memberNumber)).orElse(null),
                        whole ? "contact=email,phone,address" : "view=record"));
        if (member == null) {
            throw new ProblemException(404, "helpdesk.member.unknown");
        }
        return noStore(Response.ok(MemberResource.view(member, whole).toString()));
    }

    /** {@code staffView} the helpdesk caller, whose read is audited; null for the member themselves: the requests to supervisors without who asked nor why. */
    public Response security(String memberNumber, Locale locale, Agent staffView, String reason) {
        AccountState.State state = (staffView == null ? states.of(memberNumber)
                : Optional.ofNullable(actions.read(staffView, HelpdeskActions.Read.MEMBER, memberNumber, reason, locale,
                () -> new HelpdeskActions.Seen<>(states.of(memberNumber).orElse(null), "view=security"))))
                .orElseThrow(() -> new ProblemException(404, "helpdesk.member.unknown"));
        JsonArrayBuilder flags = JsonBinder.JSON.createArrayBuilder();
        state.flags().forEach(f -> flags.add(JsonBinder.JSON.createObjectBuilder().add("incident", f.incident()).add("flaggedAt", f.flaggedAt().toString())));
        JsonArrayBuilder locks = JsonBinder.JSON.createArrayBuilder();
        state.locks().forEach(l -> locks.add(JsonBinder.JSON.createObjectBuilder().add("cause", l.cause()).add("failures", l.failures())
                .add("until", l.until().toString())));
        JsonArrayBuilder required = JsonBinder.JSON.createArrayBuilder();
        state.member().requiredActions().forEach(a -> required.add(a.name()));
        JsonObjectBuilder factor = JsonBinder.JSON.createObjectBuilder().add("enrolled", state.secondFactor().enrolled())
                .add("recoveryCodesLeft", state.secondFactor().recoveryCodesLeft());
        Optional.ofNullable(state.secondFactor().since()).ifPresent(s -> factor.add("since", s.toString()));
        JsonArrayBuilder reports = JsonBinder.JSON.createArrayBuilder();
        state.reports().forEach(r -> reports.add(JsonBinder.JSON.createObjectBuilder().add("reference", r.reference().value())
                .add("status", r.status().name()).add("createdAt", r.createdAt().toString())));
        JsonArrayBuilder approvals = JsonBinder.JSON.createArrayBuilder();
        state.approvals().forEach(a -> {
            JsonObjectBuilder json = approval(a, clock.instant());
            if (staffView == null) {
                json.remove("reason");
                json.remove("requestedBy");
                json.remove("decidedBy");
            }
            approvals.add(json);
        });
        JsonArrayBuilder timeline = JsonBinder.JSON.createArrayBuilder();
        state.timeline().forEach(e -> {
            JsonObjectBuilder event = JsonBinder.JSON.createObjectBuilder().add("at", e.at().toString()).add("type", e.type());
            Optional.ofNullable(e.ip()).ifPresent(ip -> event.add("ip", ip));
            timeline.add(event);
        });
        JsonObject json = summary(state.member()).add("flags", flags).add("locked", state.locked()).add("locks", locks)
                .add("requiredActions", required).add("hardeningProofPending", state.hardeningProofPending())
                .add("secondFactor", factor).add("sessions", state.sessions()).add("reports", reports)
                .add("approvals", approvals).add("timeline", timeline)
                .add("notProof", Messages.get(locale, "helpdesk.not-a-proof")).build();
        return noStore(Response.ok(json.toString()));
    }

    public Response startProof(String memberNumber, JsonValue body, Agent agent, Locale locale) {
        Member member = member(memberNumber);
        ProofForm form = JsonBinder.bind(body, ProofForm.class, locale);
        Verifications.Proof proof;
        if ("email".equals(form.method()) || "sms".equals(form.method())) {
            proof = actions.sendCode(member, agent, "sms".equals(form.method()) ? Verifications.Method.SMS_CODE : Verifications.Method.EMAIL_CODE);
        } else if ("in-person".equals(form.method())) {
            if (form.checked() == null || form.checked().isBlank() || form.checked().length() > 500) {
                throw new InvalidInputException(List.of(new FieldError("checked", "Size", Messages.get(locale, "helpdesk.verification.checked-required"))));
            }
            proof = actions.inPerson(member, agent, form.checked().strip());
        } else {
            throw new InvalidInputException(List.of(new FieldError("method", "OneOf", Messages.get(locale, "helpdesk.verification.method"))));
        }
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("id", proof.id()).add("method", proof.method().name())
                .add("expiresAt", proof.expiresAt().toString()).add("verified", proof.verified());
        Optional.ofNullable(proof.sentTo()).ifPresent(s -> json.add("sentTo", s));
        return noStore(Response.status(201).entity(json.build().toString()));
    }

    public Response confirmProof(String memberNumber, String id, JsonValue body, Agent agent, Locale locale) {
        Member member = member(memberNumber);
        CodeForm form = JsonBinder.bind(body, CodeForm.class, locale);
        Verifications.Check check = verifications.confirm(member, agent, id, form.code());
        return switch (check) {
            case VERIFIED -> noStore(Response.ok(JsonBinder.JSON.createObjectBuilder().add("id", id).add("verified", true).build().toString()));
            case WRONG -> throw new InvalidInputException(List.of(new FieldError("code", "Wrong", Messages.get(locale, "helpdesk.verification.wrong"))));
            case REPLAYED -> throw new ProblemException(409, "helpdesk.verification.replayed");
            case EXPIRED -> throw new ProblemException(410, "helpdesk.verification.expired");
            case LOCKED -> throw new ProblemException(429, "helpdesk.verification.locked");
            case UNKNOWN -> throw new ProblemException(404, "helpdesk.verification.unknown");
        };
    }

    public Response act(String memberNumber, String actionPath, JsonValue body, Agent agent, Locale locale) {
        HelpdeskAction action = HelpdeskAction.of(actionPath).orElseThrow(() -> new ProblemException(404, "helpdesk.action.unknown"));
        Member member = member(memberNumber);
        ActionForm form = JsonBinder.bind(body, ActionForm.class, locale);
        HelpdeskActions.Outcome outcome = actions.request(member, action, form.reason(), form.verification(), agent, locale);
        if (outcome.done()) {
            return noStore(Response.ok(JsonBinder.JSON.createObjectBuilder().add("action", action.path()).add("done", true).build().toString()));
        }
        return noStore(Response.status(202).entity(JsonBinder.JSON.createObjectBuilder().add("action", action.path()).add("done", false)
                .add("approval", approval(actions.approval(outcome.approval().orElseThrow()).orElseThrow(), clock.instant())).build().toString()));
    }

    static JsonObjectBuilder approval(HelpdeskActions.Approval a, java.time.Instant now) {
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("id", a.id()).add("memberNumber", a.memberNumber())
                .add("action", a.action().path()).add("reason", a.reason()).add("requestedBy", a.requestedBy())
                .add("status", a.expired(now) ? "EXPIRED" : a.status().name()).add("createdAt", a.createdAt().toString())
                .add("expiresAt", a.expiresAt().toString());
        Optional.ofNullable(a.decidedBy()).ifPresent(d -> json.add("decidedBy", d));
        return json;
    }

    /** Who the member is, NIR masked: the name, birth date and NIR are shown, and marked as no proof (they leaked). */
    private static JsonObjectBuilder summary(Member m) {
        return JsonBinder.JSON.createObjectBuilder().add("memberNumber", m.number().value()).add("lastName", m.lastName().value())
                .add("firstName", m.firstName().value()).add("birthDate", m.birthDate().toString()).add("nir", m.nirMasked())
                .add("email", m.email() == null ? "" : m.email().masked());
    }

    private Member member(String memberNumber) {
        return states.member(memberNumber).orElseThrow(() -> new ProblemException(404, "helpdesk.member.unknown"));
    }

    private static Response noStore(Response.ResponseBuilder response) {
        return response.header("Cache-Control", "no-store").build();
    }
}
