package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.web.Csrf;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

/**
 * Token revocation (RFC 7009 §2). Revoking a refresh token revokes its grant, and so every access
 * token of that grant (§2.1 "SHOULD"); an access token is revoked by itself. An unknown token is
 * answered 200 like a known one (§2.2); a token of another client is refused.
 */
@Path("oauth2/revoke")
public class RevocationEndpoint {

    @Inject
    ClientAuthenticator clientAuthentication;
    @Inject
    Tokens tokens;
    @Inject
    Grants grants;
    @Inject
    AuditTrail audit;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Csrf.Exempt
    public Response revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, MultivaluedMap<String, String> form) {
        OAuthParameters parameters = OAuthParameters.of(form);
        OidcClient client = clientAuthentication.authenticate(authorization, parameters);
        String token = parameters.require("token");
        // token_type_hint is only a hint (§2.1): both kinds are tried whatever it says; they cannot be mistaken for each other.
        if (token.length() == 43) {
            grants.refresh(token).ifPresent(r -> {
                owned(client, r.grant().clientId());
                if (grants.revokeGrant(r.grant().id(), "revoked-by-client") > 0) {
                    audit.record(new Actor("client", client.clientId()), "oidc.grant-revoked", r.grant().subject(), "RFC 7009 revocation",
                            "grant=" + r.grant().id());
                }
            });
        } else if (token.length() <= 8192) {
            Optional<JWTClaimsSet> claims = tokens.verifyAccessToken(token);
            claims.ifPresent(c -> {
                try {
                    owned(client, c.getStringClaim("client_id"));
                } catch (java.text.ParseException e) {
                    throw OAuthError.invalidRequest("Unreadable token.");
                }
                grants.revokeAccessToken(c.getJWTID(), c.getExpirationTime().toInstant());
                audit.record(new Actor("client", client.clientId()), "oidc.token-revoked", c.getSubject(), "RFC 7009 revocation", "jti=" + c.getJWTID());
            });
        }
        return Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    private static void owned(OidcClient client, String owner) {
        if (!client.clientId().equals(owner)) {
            throw new OAuthError("unauthorized_client", "This token was issued to another client.");
        }
    }
}
