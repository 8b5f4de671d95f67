package fr.rempart.oidc;

import fr.rempart.platform.web.JsonBinder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** RFC 6749 §5.2: the error as JSON, never cached; a failed Basic authentication also says how to authenticate. */
@Provider
public class OAuthErrorMapper implements ExceptionMapper<OAuthError> {

    @Override
    public Response toResponse(OAuthError error) {
        Response.ResponseBuilder response = json(error.status(), JsonBinder.JSON.createObjectBuilder().add("error", error.code())
                .add("error_description", error.getMessage()).build());
        if (error instanceof ClientAuthenticator.BasicFailure) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"rempart\"");
        }
        return response.build();
    }

    static Response.ResponseBuilder json(int status, JsonObject body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache");
    }
}
