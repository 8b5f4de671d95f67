package fr.rempart.notify;

import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Locale;

/**
 * {@code POST /api/v1/message-checks} {@code {"code"}}: did the mutual really send a message
 * carrying this code — when, by which channel, and what it asked. Never who received it. Open to
 * anyone, limited per address (10 a minute), a typo told apart from an unknown code, a code checked
 * from many addresses answered as likely copied ({@link MessageCheckCounts}).
 */
@Path("api/v1/message-checks")
public class MessageCheckResource {

    /** Per node and in memory, like the other per-address limits. */
    /** Checks per address and minute, page and API together. */
    static AddressLimiter limiter(RateLimits limits) {
        return limits.perAddress("message-checks", 10);
    }

    @Inject
    MessageCheckCounts codes;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;
    @Context
    HttpServletRequest servletRequest;
    @Context
    HttpHeaders headers;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed.Anyone
    public Response check(JsonValue body) {
        if (!limiter(limits).tryAcquire(ClientInfo.of(servletRequest, settings).address())) {
            throw new ProblemException(429, "problem.429.detail");
        }
        JsonValue code = body.getValueType() == JsonValue.ValueType.OBJECT ? ((JsonObject) body).get("code") : null;
        if (!(code instanceof JsonString text) || text.getString().length() > 64) {
            throw new ProblemException(400, "message-check.missing");
        }
        Locale locale = Locales.of(headers);
        MessageCodes.Check check = codes.check(text.getString(), ClientInfo.of(servletRequest, settings).address());
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("genuine", check.verdict() == MessageCodes.Verdict.GENUINE)
                .add("verdict", check.verdict().name())
                // A genuine code seen on many messages proves nothing about the message in hand: "genuine" is false then.
                .add("likelyCopied", check.verdict() == MessageCodes.Verdict.COPIED);
        if (check.sent() != null) {
            answer.add("sentAt", check.sent().sentAt().toString()).add("channel", check.sent().channel())
                    .add("purpose", check.sent().purpose())
                    .add("asked", Messages.get(locale, "message-check.asked." + check.sent().purpose()));
        }
        answer.add("advice", Messages.get(locale, "message-check.advice." + check.verdict().name(), settings.helpdeskPhone()));
        return Response.ok(answer.build().toString()).header("Cache-Control", "no-store").build();
    }
}
