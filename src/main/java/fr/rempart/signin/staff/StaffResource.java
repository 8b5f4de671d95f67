package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Locale;

/** The admin API for staff accounts: a security administrator creates one and receives its first password, once. */
@Path("api/v1/staff")
@Produces(MediaType.APPLICATION_JSON)
public class StaffResource {

    @Inject
    StaffAccounts accounts;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;

    /** {@code {username, displayName, email, groups}} → 201 {@code {id, username, initialPassword}}; 409 when the username is taken. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response create(JsonValue body) {
        Locale locale = Locales.of(headers);
        StaffAccounts.Created created = accounts.create(JsonBinder.bind(body, StaffForm.class, locale), caller(), locale);
        return Response.status(Response.Status.CREATED).entity(JsonBinder.JSON.createObjectBuilder().add("id", created.account().id().toString())
                .add("username", created.account().username().value()).add("initialPassword", created.initialPassword()).build()).build();
    }

    private Actor caller() {
        TrustedIssuers.Caller caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        return Actor.token(caller.issuerName(), caller.subject());
    }
}
