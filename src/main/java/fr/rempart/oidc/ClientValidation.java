package fr.rempart.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import fr.rempart.platform.api.ApiScopes;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.web.Messages;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rules a client registration must follow (RFC 7591 §2, RFC 8252 for native apps, SSF for event delivery). */
final class ClientValidation {

    private ClientValidation() {
    }

    static List<String> problems(ClientRegistry.Registration r, Settings settings) {
        return errors(r, settings, Locale.ENGLISH).stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    static List<FieldError> errors(ClientRegistry.Registration r, Settings settings, Locale locale) {
        List<FieldError> errors = new ArrayList<>();
        Adder add = (field, code) -> errors.add(new FieldError(field, code, Messages.get(locale, "client.error." + code)));
        if (r.clientId() == null || !r.clientId().matches("[A-Za-z0-9._-]{3,100}")) {
            add.to("clientId", "INVALID_CLIENT_ID");
        }
        if (r.grantTypes() == null || r.grantTypes().isEmpty() || !ClientRegistry.GRANT_TYPES.containsAll(r.grantTypes())) {
            add.to("grantTypes", "UNKNOWN_GRANT_TYPE");
        } else {
            if (r.publicClient() && r.grantTypes().contains("client_credentials")) {
                add.to("grantTypes", "PUBLIC_CLIENT_CREDENTIALS");
            }
            if (r.grantTypes().contains("refresh_token") && !r.grantTypes().contains("authorization_code")) {
                add.to("grantTypes", "REFRESH_WITHOUT_CODE");
            }
            if (r.grantTypes().contains("authorization_code") && (r.redirectUris() == null || r.redirectUris().isEmpty())) {
                add.to("redirectUris", "REDIRECT_URI_REQUIRED");
            }
        }
        uris(r.redirectUris(), "redirectUris", add);
        uris(r.postLogoutRedirectUris(), "postLogoutRedirectUris", add);
        if (r.groups() != null && !ClientRegistry.GROUPS.containsAll(r.groups())) {
            add.to("groups", "UNKNOWN_GROUP");
        }
        if (r.scopes() != null && !r.scopes().isEmpty()) {
            boolean staff = r.population() == OidcClient.Population.STAFF;
            if (r.scopes().stream().anyMatch(s -> !ClientRegistry.SCOPES.contains(s) && !ApiScopes.ALL.contains(s))) {
                add.to("scopes", "UNKNOWN_SCOPE");
            } else if (staff && (r.scopes().contains(ApiScopes.SELF) || r.scopes().contains(ClientRegistry.OFFLINE))) {
                // Staff are no members, and their grants never outlive the staff session.
                add.to("scopes", "SCOPE_NOT_FOR_STAFF");
            } else if (!staff && (r.scopes().contains(ApiScopes.HELPDESK) || r.scopes().contains(ApiScopes.ADMIN))) {
                // A member has no helpdesk or admin groups to use; a client acting for itself gets them from its groups.
                add.to("scopes", "SCOPE_NOT_FOR_MEMBERS");
            }
        }
        if (r.jwks() != null && !validJwks(r.jwks())) {
            add.to("jwks", "INVALID_JWKS");
        }
        if (!r.publicClient() && r.authMethod() == OidcClient.AuthMethod.PRIVATE_KEY_JWT && r.jwks() == null) {
            add.to("jwks", "JWKS_REQUIRED");
        }
        if (r.publicClient() && r.authMethod() != null && r.authMethod() != OidcClient.AuthMethod.NONE) {
            add.to("tokenEndpointAuthMethod", "PUBLIC_CLIENT_AUTH");
        }
        if (r.idTokenAlg() != null && !settings.oidcSigningAlgorithms().contains(r.idTokenAlg())) {
            add.to("idTokenSignedResponseAlg", "UNSUPPORTED_ALG");
        }
        if (r.eventsDelivery() != null) {
            if (!r.eventsDelivery().equals("push") && !r.eventsDelivery().equals("poll")) {
                add.to("events.delivery", "UNKNOWN_DELIVERY");
            } else if (r.eventsDelivery().equals("push") && (r.eventsEndpoint() == null || !webUri(r.eventsEndpoint()))) {
                add.to("events.endpoint", "INVALID_ENDPOINT");
            } else if (r.eventsDelivery().equals("poll") && r.publicClient()) {
                add.to("events.delivery", "PUBLIC_CLIENT_POLL");
            }
        }
        if (r.eventsAuthorization() != null && r.eventsAuthorization().length() > 500) {
            add.to("events.authorization", "TOO_LONG");
        }
        return errors;
    }

    private interface Adder {
        void to(String field, String code);
    }

    private static void uris(List<String> uris, String field, Adder add) {
        if (uris == null) {
            return;
        }
        if (uris.size() > 20) {
            add.to(field, "TOO_MANY_URIS");
            return;
        }
        for (String uri : uris) {
            if (!redirectUri(uri)) {
                add.to(field, "INVALID_REDIRECT_URI");
                return;
            }
        }
    }

    /** https, plain http on loopback only, or a private-use scheme of a native app (RFC 8252 §7.1: reverse domain, with a dot); never a fragment. */
    static boolean redirectUri(String value) {
        if (value == null || value.length() > 2000 || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return false;
        }
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                return false;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https") || scheme.equals("http")) {
                return webUri(value);
            }
            return scheme.contains(".") && !scheme.equals("javascript") && !scheme.equals("data");
        } catch (Exception e) {
            return false;
        }
    }

    static boolean webUri(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                return false;
            }
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                return true;
            }
            String host = uri.getHost();
            return "http".equalsIgnoreCase(uri.getScheme()) && (host.equals("localhost") || (host.matches("[0-9.]+|\\[[0-9a-fA-F:]+]")
                    && InetAddress.getByName(host).isLoopbackAddress()));
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean validJwks(String json) {
        try {
            JWKSet set = JWKSet.parse(json);
            return !set.getKeys().isEmpty() && set.getKeys().size() <= 10 && set.getKeys().stream().noneMatch(k -> k.isPrivate());
        } catch (Exception e) {
            return false;
        }
    }
}
