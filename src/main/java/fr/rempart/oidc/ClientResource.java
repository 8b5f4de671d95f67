package fr.rempart.oidc;

import fr.rempart.audit.Actor;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
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

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Client registration by the security administrator ({@code POST /api/v1/clients}); the secret is shown once. */
@Path("api/v1/clients")
@Produces(MediaType.APPLICATION_JSON)
public class ClientResource {

    /** The registration document (RFC 7591 names in camelCase, as the contract gives them). */
    public record ClientForm(String clientId, List<String> redirectUris, List<String> postLogoutRedirectUris, List<String> grantTypes,
                             List<String> groups, Boolean isPublic, String tokenEndpointAuthMethod, JsonValue jwks, String population,
                             String idTokenSignedResponseAlg, EventsForm events, List<String> scopes) {
    }

    public record EventsForm(String delivery, String endpoint, String authorization) {
    }

    @Inject
    ClientRegistry clients;
    @Inject
    Settings settings;
    @Context
    HttpHeaders headers;
    @Context
    ContainerRequestContext request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response register(JsonValue body) {
        Locale locale = Locales.of(headers);
        JsonValue normalised = body.getValueType() == JsonValue.ValueType.OBJECT && body.asJsonObject().containsKey("public")
                ? JsonBinder.JSON.createObjectBuilder(body.asJsonObject()).remove("public").add("isPublic", body.asJsonObject().get("public")).build() : body;
        ClientForm form = JsonBinder.bind(normalised, ClientForm.class, locale);
        OidcClient.AuthMethod method;
        try {
            method = form.tokenEndpointAuthMethod() == null ? null : OidcClient.AuthMethod.of(form.tokenEndpointAuthMethod());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(List.of(new FieldError("tokenEndpointAuthMethod", "UNKNOWN_AUTH_METHOD",
                    Messages.get(locale, "client.error.UNKNOWN_GRANT_TYPE"))));
        }
        OidcClient.Population population = "staff".equalsIgnoreCase(form.population()) ? OidcClient.Population.STAFF : OidcClient.Population.MEMBER;
        ClientRegistry.Registration registration = new ClientRegistry.Registration(form.clientId(),
                form.redirectUris() == null ? List.of() : form.redirectUris(),
                form.postLogoutRedirectUris() == null ? List.of() : form.postLogoutRedirectUris(),
                form.grantTypes() == null ? Set.of("authorization_code") : new LinkedHashSet<>(form.grantTypes()),
                form.groups() == null ? Set.of() : new LinkedHashSet<>(form.groups()), Boolean.TRUE.equals(form.isPublic()), method,
                form.jwks() == null || form.jwks() == JsonValue.NULL ? null : form.jwks().toString(), population,
                form.idTokenSignedResponseAlg(), form.events() == null ? null : form.events().delivery(),
                form.events() == null ? null : form.events().endpoint(), form.events() == null ? null : form.events().authorization(),
                form.scopes() == null ? null : new LinkedHashSet<>(form.scopes()));
        List<FieldError> errors = new java.util.ArrayList<>(ClientValidation.errors(registration, settings, locale));
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        TrustedIssuers.Caller caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        var registered = clients.register(registration, Actor.token(caller.issuerName(), caller.subject()));
        if (registered.isEmpty()) {
            throw new InvalidInputException(List.of(new FieldError("clientId", "EXISTS", Messages.get(locale, "client.error.EXISTS"))));
        }
        var secret = registered.get();
        OidcClient client = clients.find(registration.clientId()).orElseThrow();
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("clientId", client.clientId())
                .add("tokenEndpointAuthMethod", client.authMethod().value()).add("public", client.publicClient())
                .add("scopes", JsonBinder.JSON.createArrayBuilder(List.copyOf(client.scopes())));
        secret.ifPresent(s -> answer.add("clientSecret", s));
        return Response.created(URI.create("/api/v1/clients/" + client.clientId())).entity(answer.build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
