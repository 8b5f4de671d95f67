package fr.rempart.password;

import fr.rempart.member.MemberDirectory;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.AddressLimiter;
import fr.rempart.signin.BrowserSessions;
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

/**
 * {@code POST /api/v1/password-checks}: the verdict the reset page gives, for the signed-in member
 * (browser session: checked against their own data and history) or for any client (general rules,
 * breached corpus, strength). Changes nothing; rate-limited per address.
 */
@Path("api/v1/password-checks")
public class PasswordCheckResource {

    /** The request body. */
    public record PasswordCheckForm(@NotNull String password) {
    }

    private static final AddressLimiter LIMIT = new AddressLimiter(120);

    @Inject
    PasswordChanges changes;
    @Inject
    BrowserSessions browser;
    @Inject
    MemberDirectory members;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    public JsonObject check(JsonValue body) {
        if (!LIMIT.tryAcquire(browser.client(request).address())) {
            throw new ProblemException(429, "problem.429.detail");
        }
        Locale locale = Locales.of(headers);
        PasswordCheckForm form = JsonBinder.bind(body, PasswordCheckForm.class, locale);
        if (form.password() == null) {
            throw new fr.rempart.platform.validation.InvalidInputException(java.util.List.of(new fr.rempart.platform.validation.FieldError(
                    "password", "NotNull", fr.rempart.platform.web.Messages.get(locale, "password.rule.REQUIRED"))));
        }
        PasswordPolicy.Verdict verdict = browser.current(headers, request).flatMap(s -> members.byId(s.member()))
                .map(member -> changes.check(member, form.password(), locale))
                .orElseGet(() -> changes.policy().check(form.password(), PasswordContext.anonymous(), locale));
        JsonArrayBuilder violations = JsonBinder.JSON.createArrayBuilder();
        verdict.violations().forEach(v -> violations.add(JsonBinder.JSON.createObjectBuilder().add("code", v.code()).add("message", v.message())));
        return JsonBinder.JSON.createObjectBuilder().add("acceptable", verdict.acceptable()).add("violations", violations)
                .add("estimatedGuessesLog10", verdict.estimatedGuessesLog10()).build();
    }
}
