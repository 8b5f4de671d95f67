package fr.rempart.password;

import fr.rempart.member.CurrentSession;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.SecondFactor;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
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

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The forgotten-password pages: ask for a link, then choose a new password through it. */
@Path("password")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class ForgottenPasswordPages {


    @Inject
    PasswordResets resets;
    @Inject
    PasswordChanges changes;
    @Inject
    MemberDirectory members;
    @Inject
    HardeningGate proofs;
    @Inject
    FailureCounter failures;
    @Inject
    CurrentSession browser;
    @Inject
    Pages pages;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Inject
    jakarta.enterprise.inject.Instance<SecondFactor> secondFactor;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    @Path("forgot")
    public String forgotPage() {
        return pages.render("forgot-password", locale(), model("forgot-password.title"));
    }

    @POST
    @Path("forgot")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response forgot(@FormParam("email") String email) {
        ClientInfo client = ClientInfo.of(request, settings);
        if (!limits.perAddress("password-resets", 10).tryAcquire(client.address())) {
            Map<String, Object> model = model("forgot-password.title");
            model.put("error", Messages.get(locale(), "problem.429.detail"));
            return Response.status(429).entity(pages.render("forgot-password", locale(), model)).build();
        }
        if (email != null && email.length() <= 254) {
            resets.request(email);
        }
        Map<String, Object> model = model("forgot-password.title");
        model.put("sent", true);
        model.put("sentMessage", Messages.get(locale(), "forgot-password.sent", settings.passwordResetLifetime().toMinutes()));
        return Response.ok(pages.render("forgot-password", locale(), model)).build();
    }

    @GET
    @Path("reset")
    public Response resetPage(@QueryParam("token") String token) {
        Optional<Member> member = resets.holder(token);
        if (member.isEmpty()) {
            return invalidLink();
        }
        return Response.ok(render(member.get(), token, Map.of())).build();
    }

    @POST
    @Path("reset")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reset(MultivaluedMap<String, String> form) {
        String token = form.getFirst("token");
        Optional<Member> member = resets.holder(token);
        if (member.isEmpty()) {
            return invalidLink();
        }
        Map<String, List<String>> errors = new java.util.LinkedHashMap<>(UpdatePasswordStep.PasswordPage.check(changes, member.get(), form, locale()));
        // ASVS: a reset must not bypass the second factor. The code is checked last, once the rest is right.
        if (errors.isEmpty() && asksSecondFactor(member.get())) {
            var result = secondFactor.get().verify(member.get(), form.getFirst("code"), ClientInfo.of(request, settings));
            if (!result.accepted()) {
                errors.put("code", List.of(Messages.get(locale(), "second-factor.error." + result.outcome().name())));
            }
        }
        if (!errors.isEmpty()) {
            return Response.status(400).entity(render(member.get(), token, errors)).build();
        }
        if (!resets.consume(token, member.get())) {
            return invalidLink();
        }
        changes.change(member.get(), form.getFirst("newPassword"), null, ClientInfo.of(request, settings), "forgotten password");
        // The link proved the mailbox on file: if nothing else is pending, the account's hardening is done.
        members.byId(member.get().id()).filter(m -> m.requiredActions().isEmpty()).ifPresent(m -> proofs.complete(m, "email-link"));
        // Control of the mailbox was just proven: an attacker's failures no longer lock the member out.
        failures.reset(PasswordCredentials.attemptScope(member.get().id()));
        return Response.seeOther(URI.create("/signin?passwordChanged")).build();
    }

    private boolean asksSecondFactor(Member member) {
        return secondFactor.stream().anyMatch(f -> f.enrolled(member.id()));
    }

    private String render(Member member, String token, Map<String, List<String>> errors) {
        Map<String, Object> page = model("forgot-password.choose");
        page.put("token", token);
        page.put("askCode", asksSecondFactor(member));
        page.put("codeErrors", errors.getOrDefault("code", List.of()));
        page.put("codeInvalid", errors.containsKey("code"));
        return UpdatePasswordStep.PasswordPage.render(pages, page, locale(), changes.policy().minLength(changes.contextOf(member)),
                changes.policy().maxLength(), "/password/reset", "forgot-password.choose", "forgot-password.choose-why", errors);
    }

    private Response invalidLink() {
        Map<String, Object> model = model("forgot-password.title");
        model.put("error", Messages.get(locale(), "forgot-password.invalid-link"));
        return Response.status(400).entity(pages.render("forgot-password", locale(), model)).build();
    }

    private Map<String, Object> model(String titleKey) {
        return pages.base(Messages.get(locale(), titleKey), csrf.formToken(), request.getRequestURI());
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
