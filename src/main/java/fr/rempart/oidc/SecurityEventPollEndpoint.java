package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.JsonBinder;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Poll delivery of Security Event Tokens (RFC 8936 §2): the receiver authenticates with a
 * client-credentials access token of its own client, acknowledges what it has processed
 * ({@code ack}, {@code setErrs}) and gets up to {@code maxEvents} more. Answers at once (no long
 * polling): {@code returnImmediately} is always honoured as true.
 */
@Path("ssf/poll")
public class SecurityEventPollEndpoint {

    private static final int MAX_EVENTS = 100;

    @Inject
    Clock clock;
    @Inject
    ActiveTokens active;
    @Inject
    ClientRegistry clients;
    @Inject
    Jdbc jdbc;
    @Inject
    Tokens tokens;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Csrf.Exempt
    public Response poll(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, JsonValue body) {
        Optional<JWTClaimsSet> token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? active.active(authorization.substring(7).strip()) : Optional.empty();
        Optional<OidcClient> receiver = token.filter(t -> t.getClaim("gid") == null).map(JWTClaimsSet::getSubject).flatMap(clients::find)
                .filter(c -> "poll".equals(c.eventsDelivery()));
        if (receiver.isEmpty()) {
            // RFC 8936 §2.4.4's error object, not an empty body (which the server would replace with its own page).
            return Response.fromResponse(OAuthErrorMapper.json(401, JsonBinder.JSON.createObjectBuilder().add("err", "authentication_failed")
                    .add("description", "A valid access token of a polling receiver is required.").build()).build())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rempart\", error=\"invalid_token\"").build();
        }
        if (!(body instanceof JsonObject request)) {
            // RFC 8936 §2.4: the request is a JSON object; anything else is the client's error.
            return OAuthErrorMapper.json(400, JsonBinder.JSON.createObjectBuilder().add("err", "invalid_request")
                    .add("description", "The poll request must be a JSON object.").build()).build();
        }
        String clientId = receiver.get().clientId();
        Instant now = clock.instant();
        JsonArray ack = request.containsKey("ack") && request.get("ack").getValueType() == JsonValue.ValueType.ARRAY
                ? request.getJsonArray("ack") : JsonValue.EMPTY_JSON_ARRAY;
        if (ack.size() > 1000) {
            return OAuthErrorMapper.json(400, JsonBinder.JSON.createObjectBuilder().add("err", "invalid_request").add("description", "Too many acks.").build()).build();
        }
        jdbc.transaction(c -> {
            for (JsonValue jti : ack) {
                if (jti instanceof JsonString s) {
                    Jdbc.execute(c, "update oidc_security_event set delivered_at = ? where client_id = ? and jti = ? and delivered_at is null",
                            now, clientId, s.getString());
                }
            }
            if (request.containsKey("setErrs") && request.get("setErrs").getValueType() == JsonValue.ValueType.OBJECT) {
                for (Map.Entry<String, JsonValue> error : request.getJsonObject("setErrs").entrySet()) {
                    String text = error.getValue().toString();
                    Jdbc.execute(c, "update oidc_security_event set delivered_at = ?, last_error = ? where client_id = ? and jti = ? "
                            + "and delivered_at is null", now, text.length() > 500 ? text.substring(0, 500) : text, clientId, error.getKey());
                }
            }
            return null;
        });
        // Compared as a decimal: a number such as 1e999999999 is neither converted nor allowed to cost anything.
        java.math.BigDecimal asked = request.containsKey("maxEvents") && request.get("maxEvents").getValueType() == JsonValue.ValueType.NUMBER
                ? request.getJsonNumber("maxEvents").bigDecimalValue() : java.math.BigDecimal.valueOf(MAX_EVENTS);
        int max = asked.compareTo(java.math.BigDecimal.valueOf(MAX_EVENTS)) >= 0 ? MAX_EVENTS : asked.signum() <= 0 ? 0 : asked.intValue();
        List<Map.Entry<String, String>> pending = jdbc.list("select jti, claims from oidc_security_event where client_id = ? and delivery = 'poll' "
                        + "and delivered_at is null order by id fetch first " + (max + 1) + " rows only",
                r -> Map.entry(r.getString(1), r.getString(2)), clientId);
        JsonObjectBuilder sets = JsonBinder.JSON.createObjectBuilder();
        pending.stream().limit(max).forEach(e -> sets.add(e.getKey(), tokens.signSecurityEvent(e.getValue())));
        return OAuthErrorMapper.json(200, JsonBinder.JSON.createObjectBuilder().add("sets", sets).add("moreAvailable", pending.size() > max).build()).build();
    }
}
