package fr.rempart.oidc;

import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.JsonBinder;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Token introspection (RFC 7662 §2). Only authenticated confidential clients may ask; an unknown,
 * expired or revoked token — including every token of a revoked session — is just
 * {@code {"active": false}}, and so is a token the caller may not know about: its own tokens for a
 * client, any access token for a resource server. A refresh token is described to its holder only.
 */
@Path("oauth2/introspect")
public class IntrospectionEndpoint {

    @Inject
    Clock clock;
    @Inject
    ClientAuthenticator clientAuthentication;
    @Inject
    ActiveTokens active;
    @Inject
    Grants grants;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Csrf.Exempt
    public Response introspect(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, MultivaluedMap<String, String> form) {
        OAuthParameters parameters = OAuthParameters.of(form);
        OidcClient caller = clientAuthentication.authenticate(authorization, parameters);
        if (caller.publicClient()) {
            throw OAuthError.invalidClient();
        }
        String token = parameters.require("token");
        String hint = parameters.get("token_type_hint").orElse("access_token");
        Optional<JsonObjectBuilder> answer = "refresh_token".equals(hint) ? refresh(token, caller).or(() -> access(token, caller))
                : access(token, caller).or(() -> refresh(token, caller));
        return OAuthErrorMapper.json(200, answer.orElseGet(() -> JsonBinder.JSON.createObjectBuilder().add("active", false)).build()).build();
    }

    /**
     * RFC 7662 §4: a client learns about the tokens issued to it; a resource server (a client in the
     * group {@code resource-server}, such as the mutual's APIs) about any, since they are presented to it.
     */
    private Optional<JsonObjectBuilder> access(String token, OidcClient caller) {
        if (token.length() > 8192 || token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty();
        }
        return active.active(token).filter(claims -> caller.groups().contains(ClientRegistry.RESOURCE_SERVER)
                || caller.clientId().equals(claims.getClaim("client_id"))).map(claims -> {
            JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("active", true).add("token_type", "Bearer");
            // RFC 7662 §2.2: the token's own claims (exp, iat, sub, client_id, scope, acr, account_security…) describe it.
            for (Map.Entry<String, Object> claim : claims.toJSONObject().entrySet()) {
                json.add(claim.getKey(), toJson(claim.getValue()));
            }
            return json;
        });
    }

    private Optional<JsonObjectBuilder> refresh(String token, OidcClient caller) {
        if (token.length() != 43) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return grants.refresh(token).filter(r -> r.usedAt() == null && now.isBefore(r.expiresAt()) && r.grant().active(now)
                        && r.grant().clientId().equals(caller.clientId()))
                .map(r -> JsonBinder.JSON.createObjectBuilder().add("active", true).add("token_type", "refresh_token").add("client_id", r.grant().clientId())
                        .add("sub", r.grant().subject()).add("scope", r.grant().scope()).add("exp", r.expiresAt().getEpochSecond())
                        .add("iss", active.issuer()));
    }

    @SuppressWarnings("unchecked")
    static jakarta.json.JsonValue toJson(Object value) {
        if (value == null) {
            return jakarta.json.JsonValue.NULL;
        }
        if (value instanceof Boolean b) {
            return b ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE;
        }
        if (value instanceof Number n) {
            return n instanceof Double || n instanceof Float ? JsonBinder.JSON.createValue(n.doubleValue()) : JsonBinder.JSON.createValue(n.longValue());
        }
        if (value instanceof java.util.Date d) {
            return JsonBinder.JSON.createValue(d.toInstant().getEpochSecond());
        }
        if (value instanceof Map<?, ?> map) {
            JsonObjectBuilder object = JsonBinder.JSON.createObjectBuilder();
            ((Map<String, Object>) map).forEach((k, v) -> object.add(k, toJson(v)));
            return object.build();
        }
        if (value instanceof Iterable<?> list) {
            var array = JsonBinder.JSON.createArrayBuilder();
            list.forEach(v -> array.add(toJson(v)));
            return array.build();
        }
        return JsonBinder.JSON.createValue(value.toString());
    }
}
