package fr.rempart.oidc;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Discovery (OpenID Connect Discovery 1.0 §4), the JWKS (RFC 7517 §5) and the SSF transmitter metadata (SSF 1.0 §6.2). */
@Path("")
public class DiscoveryEndpoints {

    @Inject
    ProviderMetadata metadata;
    @Inject
    SigningKeys keys;

    @GET
    @Path(".well-known/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Response openidConfiguration() {
        return Response.ok(metadata.openidConfiguration().toString()).cacheControl(maxAge(300)).build();
    }

    @GET
    @Path(".well-known/oauth-authorization-server")
    @Produces(MediaType.APPLICATION_JSON)
    public Response authorizationServer() {
        return openidConfiguration();
    }

    @GET
    @Path("oauth2/jwks")
    @Produces("application/jwk-set+json")
    public Response jwks() {
        // Short cache: a new key is published ahead of use, a retired one stays until its tokens expire.
        return Response.ok(keys.publishedJson()).cacheControl(maxAge(300)).build();
    }

    @GET
    @Path(".well-known/ssf-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ssfConfiguration() {
        return Response.ok(metadata.ssfConfiguration().toString()).cacheControl(maxAge(300)).build();
    }

    private static CacheControl maxAge(int seconds) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(seconds);
        return cache;
    }
}
