package fr.rempart.notify;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.limits.RateLimits;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;

/** The public page where anyone types the code printed on a message and learns whether the mutual sent it. */
@Path("message-check")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class MessageCheckPages {

    @Inject
    MessageCheckCounts codes;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    public String page() {
        return pages.render("message-check", locale(), model());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response check(@FormParam("code") String code) {
        Locale locale = locale();
        Map<String, Object> model = model();
        if (!MessageCheckResource.limiter(limits).tryAcquire(ClientInfo.of(request, settings).address())) {
            model.put("error", Messages.get(locale, "problem.429.detail"));
            return Response.status(429).entity(pages.render("message-check", locale, model)).build();
        }
        if (code == null || code.isBlank() || code.length() > 64) {
            model.put("error", Messages.get(locale, "message-check.missing"));
            return Response.status(400).entity(pages.render("message-check", locale, model)).build();
        }
        MessageCodes.Check check = codes.check(code, ClientInfo.of(request, settings).address());
        model.put("checked", true);
        model.put("copied", check.verdict() == MessageCodes.Verdict.COPIED);
        model.put("verdict", Messages.get(locale, "message-check.verdict." + check.verdict().name()));
        model.put("advice", Messages.get(locale, "message-check.advice." + check.verdict().name(), settings.helpdeskPhone()));
        if (check.sent() != null) {
            // Also for a copied code: what the real message asked tells a person how theirs differs.
            model.put("sent", true);
            model.put("sentAt", Pages.dateTime(check.sent().sentAt(), locale, FormatStyle.LONG));
            model.put("channel", Messages.get(locale, "message-check.channel." + check.sent().channel()));
            model.put("asked", Messages.get(locale, "message-check.asked." + check.sent().purpose()));
        }
        return Response.ok(pages.render("message-check", locale, model)).build();
    }

    private Map<String, Object> model() {
        return pages.base(Messages.get(locale(), "message-check.title"), csrf.formToken(), request.getRequestURI());
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
