package fr.rempart.oidc;

import fr.rempart.platform.api.ApiScopes;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.JsonBinder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * The provider's endpoints and capabilities, built in one place so that discovery (OpenID Connect
 * Discovery 1.0 §3, RFC 8414) and the SSF transmitter metadata can never disagree with what the
 * endpoints do. Paths follow Spring Authorization Server's layout.
 */
@ApplicationScoped
public class ProviderMetadata {

    static final String AUTHORIZE = "/oauth2/authorize";
    static final String TOKEN = "/oauth2/token";
    static final String JWKS = "/oauth2/jwks";
    static final String INTROSPECT = "/oauth2/introspect";
    static final String REVOKE = "/oauth2/revoke";
    static final String USERINFO = "/userinfo";
    static final String END_SESSION = "/connect/logout";
    static final String SSF_POLL = "/ssf/poll";
    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    static final List<String> CLAIMS = List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash",
            "name", "given_name", "family_name", "locale", "email", "phone_number", "member_number", "preferred_username", "groups",
            HardeningState.CLAIM, Tokens.SUBJECT_KIND);

    @Inject
    Settings settings;
    @Inject
    SigningKeys keys;

    public String issuer() {
        return settings.oidcIssuer();
    }

    public String tokenEndpoint() {
        return issuer() + TOKEN;
    }

    public JsonObject openidConfiguration() {
        String issuer = issuer();
        return JsonBinder.JSON.createObjectBuilder()
                .add("issuer", issuer)
                .add("authorization_endpoint", issuer + AUTHORIZE)
                .add("token_endpoint", issuer + TOKEN)
                .add("jwks_uri", issuer + JWKS)
                .add("userinfo_endpoint", issuer + USERINFO)
                .add("introspection_endpoint", issuer + INTROSPECT)
                .add("revocation_endpoint", issuer + REVOKE)
                .add("end_session_endpoint", issuer + END_SESSION)
                .add("scopes_supported", array(Stream.concat(Stream.of("openid", "profile", "email", "phone", "offline_access"),
                        ApiScopes.ALL.stream()).toList()))
                .add("response_types_supported", array(List.of("code")))
                .add("response_modes_supported", array(List.of("query")))
                .add("grant_types_supported", array(List.of("authorization_code", "refresh_token", "client_credentials")))
                .add("subject_types_supported", array(List.of("public")))
                .add("id_token_signing_alg_values_supported", array(keys.algorithms()))
                .add("token_endpoint_auth_methods_supported", array(AUTH_METHODS))
                .add("token_endpoint_auth_signing_alg_values_supported", array(List.of("ES256", "ES384", "RS256", "PS256")))
                .add("introspection_endpoint_auth_methods_supported", array(AUTH_METHODS.subList(0, 3)))
                .add("revocation_endpoint_auth_methods_supported", array(AUTH_METHODS))
                .add("code_challenge_methods_supported", array(List.of("S256")))
                .add("acr_values_supported", array(Acr.supported()))
                .add("prompt_values_supported", array(List.of("none", "login", "consent")))
                .add("claims_supported", array(CLAIMS))
                .add("claims_parameter_supported", false)
                .add("request_parameter_supported", false)
                .add("request_uri_parameter_supported", false)
                .add("authorization_response_iss_parameter_supported", true)
                .add("frontchannel_logout_supported", false)
                .add("backchannel_logout_supported", false)
                .add("ui_locales_supported", array(List.of("fr", "en")))
                .build();
    }

    /** Shared Signals Framework 1.0 transmitter metadata (§6.1). */
    public JsonObject ssfConfiguration() {
        String issuer = issuer();
        return JsonBinder.JSON.createObjectBuilder()
                .add("spec_version", "1_0")
                .add("issuer", issuer)
                .add("jwks_uri", issuer + JWKS)
                .add("delivery_methods_supported", array(List.of("urn:ietf:rfc:8935", "urn:ietf:rfc:8936")))
                .add("authorization_schemes", JsonBinder.JSON.createArrayBuilder().add(JsonBinder.JSON.createObjectBuilder().add("spec_urn", "urn:ietf:rfc:6749")))
                .add("default_subjects", "NONE")
                .add("poll_endpoint", issuer + SSF_POLL)
                .add("events_supported", array(SecurityEvents.TYPES))
                .build();
    }

    private static JsonArrayBuilder array(Collection<String> values) {
        JsonArrayBuilder array = JsonBinder.JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }
}
