package fr.rempart.password;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.CurrentSession;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.WebSession;
import fr.rempart.password.policy.HistoryRule;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /api/v1/password-checks}: the verdict the reset page gives, for the signed-in member
 * (a full browser session: checked against their own data, history and current password) or for any
 * client (general rules, breached corpus, strength). A session still at the second factor or at its
 * required actions gets the general verdict only: it has not proven enough to learn anything of the
 * member's passwords. A check that finds the current or a past password is audited and counted as a
 * failed sign-in of the member, so probing them locks as guessing the password does. Rate-limited per address.
 */
@Path("api/v1/password-checks")
public class PasswordCheckResource {

    /** The request body. */
    public record PasswordCheckForm(@NotNull String password) {
    }

    /** Violations that tell the caller a password the member has, or had. */
    private static final java.util.Set<String> KNOWN_PASSWORD = java.util.Set.of("SAME_AS_CURRENT", HistoryRule.ERROR_CODE);

    @Inject
    PasswordChanges changes;
    @Inject
    CurrentSession browser;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Inject
    MemberDirectory members;
    @Inject
    FailureCounter failures;
    @Inject
    AuditTrail audit;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    public JsonObject check(JsonValue body) {
        if (!limits.perAddress("password-checks", 120).tryAcquire(ClientInfo.of(request, settings).address())) {
            throw new ProblemException(429, "problem.429.detail");
        }
        Locale locale = Locales.of(headers);
        PasswordCheckForm form = JsonBinder.bind(body, PasswordCheckForm.class, locale);
        if (form.password() == null) {
            throw new InvalidInputException(java.util.List.of(new FieldError(
                    "password", "NotNull", Messages.get(locale, "password.rule.REQUIRED"))));
        }
        Optional<Member> member = browser.current(headers, request).filter(WebSession::full).flatMap(s -> members.byId(s.member()));
        // While the member's sign-in is locked, every member check is refused alike: an answer that differed would say which password matched.
        if (member.isPresent() && failures.locked(PasswordCredentials.attemptScope(member.get().id()))) {
            throw new ProblemException(429, "problem.429.detail");
        }
        PasswordPolicy.Verdict verdict = member.map(m -> changes.check(m, form.password(), locale))
                .orElseGet(() -> changes.policy().check(form.password(), PasswordContext.anonymous(), locale));
        if (member.isPresent() && verdict.violations().stream().anyMatch(v -> KNOWN_PASSWORD.contains(v.code()))) {
            String number = member.get().number().value();
            boolean allowed = failures.tryAttempt(PasswordCredentials.attemptScope(member.get().id()));
            audit.record(Actor.member(number), "password.check-matched-known", number, null, "allowed=" + allowed + " ip="
                    + ClientInfo.of(request, settings).address());
            if (!allowed) {
                throw new ProblemException(429, "problem.429.detail");
            }
        }
        JsonArrayBuilder violations = JsonBinder.JSON.createArrayBuilder();
        verdict.violations().forEach(v -> violations.add(JsonBinder.JSON.createObjectBuilder().add("code", v.code()).add("message", v.message())));
        return JsonBinder.JSON.createObjectBuilder().add("acceptable", verdict.acceptable()).add("violations", violations)
                .add("estimatedGuessesLog10", verdict.estimatedGuessesLog10()).build();
    }
}
