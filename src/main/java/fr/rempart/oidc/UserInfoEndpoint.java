package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.JsonBinder;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The UserInfo endpoint (OpenID Connect Core §5.3): the claims the access token's scopes allow,
 * read fresh from the account. Never the NIR nor the birth date: they leaked, and no relying party
 * should use them. Token errors follow RFC 6750 §3.
 */
@Path("userinfo")
public class UserInfoEndpoint {

    private static final Map<String, List<String>> CLAIMS_BY_SCOPE = Map.of(
            "profile", List.of("name", "given_name", "family_name", "locale", "member_number", "preferred_username"),
            "email", List.of("email"),
            "phone", List.of("phone_number"));

    @Inject
    ActiveTokens active;
    @Inject
    Instance<Authenticator> authenticators;
    @Inject
    Grants grants;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userInfo(authorization);
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Csrf.Exempt
    public Response post(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userInfo(authorization);
    }

    private Response userInfo(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rempart\"").build();
        }
        Optional<JWTClaimsSet> claims = active.active(authorization.substring(7).strip());
        Set<String> scopes = claims.map(c -> (String) c.getClaim("scope")).map(s -> Set.of(s.split(" "))).orElse(Set.of());
        if (claims.isEmpty() || claims.get().getClaim("gid") == null) {
            return invalid("invalid_token", 401);
        }
        if (!scopes.contains("openid")) {
            return invalid("insufficient_scope", 403);
        }
        String subject = claims.get().getSubject();
        Optional<OidcClient.Population> population = grants.grant((String) claims.get().getClaim("gid")).map(Grants.Grant::population);
        Optional<SignedIn> who = population.flatMap(p -> authenticators.stream().filter(a -> a.population() == p).findFirst())
                .flatMap(a -> a.bySubject(subject));
        if (who.isEmpty()) {
            return invalid("invalid_token", 401);
        }
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder().add("sub", subject);
        for (String scope : scopes) {
            for (String claim : CLAIMS_BY_SCOPE.getOrDefault(scope, List.of())) {
                Object value = who.get().claims().get(claim);
                if (value != null) {
                    json.add(claim, IntrospectionEndpoint.toJson(value));
                }
            }
        }
        if (!who.get().groups().isEmpty()) {
            json.add("groups", IntrospectionEndpoint.toJson(List.copyOf(who.get().groups())));
        }
        Object security = who.get().claims().get(HardeningState.CLAIM);
        if (security != null) {
            json.add(HardeningState.CLAIM, IntrospectionEndpoint.toJson(security));
        }
        return OAuthErrorMapper.json(200, json.build()).build();
    }

    private static Response invalid(String error, int status) {
        return Response.status(status).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rempart\", error=\"" + error + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
