package fr.rempart.oidc;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.ProblemException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated authorization request (OpenID Connect Core §3.1.2.1, RFC 7636 for PKCE). Until the
 * client and its redirect URI are known good, errors are shown to the user and never redirected
 * (§3.1.2.6, RFC 6749 §4.1.2.1); after that they go back to the client with its {@code state}.
 */
public record AuthorizationRequest(OidcClient client, String redirectUri, String scope, String state, String nonce, String codeChallenge,
                                   Set<String> prompt, Integer maxAge, List<String> acrValues, Map<String, String> parameters,
                                   boolean apiResource) {

    public boolean openid() {
        return Arrays.asList(scope.split(" ")).contains("openid");
    }

    /**
     * RFC 8707 §2: whether a {@code resource} names the API, by its audience or its base URL; empty when none was given.
     * Anything else is {@code invalid_target}: the API is the only protected resource here.
     */
    static Optional<Boolean> apiResource(Optional<String> resource, Settings settings) {
        if (resource.isEmpty()) {
            return Optional.empty();
        }
        String value = resource.get().endsWith("/") ? resource.get().substring(0, resource.get().length() - 1) : resource.get();
        return Optional.of(value.equals(settings.apiAudience()) || value.equals(settings.oidcIssuer() + "/api/v1")
                || value.equals(settings.publicUrl() + "/api/v1"));
    }

    static AuthorizationRequest validate(OAuthParameters p, ClientRegistry clients, Settings settings) {
        OidcClient client = clients.find(p.get("client_id").orElse(null))
                .orElseThrow(() -> new ProblemException(400, "oidc.error.unknown-client"));
        String redirectUri = p.get("redirect_uri").orElseThrow(() -> new ProblemException(400, "oidc.error.redirect-uri"));
        if (!client.registered(redirectUri) || !client.allows("authorization_code")) {
            throw new ProblemException(400, "oidc.error.redirect-uri");
        }
        // From here on, errors are sent to the client's registered redirect URI.
        String state = p.get("state").orElse(null);
        Bound bound = new Bound(redirectUri, state);
        if (p.get("request").isPresent()) {
            throw bound.error("request_not_supported", "Request objects are not supported.");
        }
        if (p.get("request_uri").isPresent()) {
            throw bound.error("request_uri_not_supported", "Request URIs are not supported.");
        }
        if (!"code".equals(p.get("response_type").orElse(null))) {
            throw bound.error(p.get("response_type").isEmpty() ? "invalid_request" : "unsupported_response_type",
                    "Only response_type=code is supported.");
        }
        if (p.get("response_mode").filter(m -> !m.equals("query")).isPresent()) {
            throw bound.error("invalid_request", "Only response_mode=query is supported.");
        }
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(p.get("scope").orElse("").trim().split(" +")));
        scopes.remove("");
        if (!client.scopes().containsAll(scopes)) {
            // The client's registration decides: an API scope it was not registered for is never granted.
            throw bound.error("invalid_scope", "Unknown scope, or one this client is not registered for.");
        }
        Optional<Boolean> resource = apiResource(p.get("resource"), settings);
        if (resource.filter(api -> !api).isPresent()) {
            throw bound.error("invalid_target", "The only resource is this provider's API.");
        }
        String challenge = p.get("code_challenge").orElse(null);
        String method = p.get("code_challenge_method").orElse(challenge == null ? null : "plain");
        if (challenge == null && client.publicClient()) {
            throw bound.error("invalid_request", "PKCE (code_challenge with S256) is required for public clients.");
        }
        if (challenge != null && (!"S256".equals(method) || !challenge.matches("[A-Za-z0-9_-]{43}"))) {
            throw bound.error("invalid_request", "code_challenge must be S256 (43 base64url characters).");
        }
        if (challenge == null && method != null) {
            throw bound.error("invalid_request", "code_challenge_method without code_challenge.");
        }
        String nonce = p.get("nonce").orElse(null);
        if (nonce != null && nonce.length() > 512) {
            throw bound.error("invalid_request", "nonce is too long.");
        }
        Set<String> prompt = new LinkedHashSet<>(Arrays.asList(p.get("prompt").orElse("").trim().split(" +")));
        prompt.remove("");
        if (!Set.of("none", "login", "consent", "select_account").containsAll(prompt) || (prompt.contains("none") && prompt.size() > 1)) {
            throw bound.error("invalid_request", "Invalid prompt.");
        }
        Integer maxAge = null;
        if (p.get("max_age").isPresent()) {
            try {
                maxAge = Integer.parseInt(p.get("max_age").get());
            } catch (NumberFormatException e) {
                throw bound.error("invalid_request", "max_age must be a number of seconds.");
            }
            if (maxAge < 0) {
                throw bound.error("invalid_request", "max_age must be a number of seconds.");
            }
        }
        List<String> acr = p.get("acr_values").map(v -> Arrays.stream(v.trim().split(" +")).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        return new AuthorizationRequest(client, redirectUri, String.join(" ", scopes), state, nonce, challenge, prompt, maxAge, acr, p.asMap(),
                resource.orElse(false));
    }

    OAuthRedirect error(String code, String description) {
        return new Bound(redirectUri, state).error(code, description);
    }

    private record Bound(String redirectUri, String state) {
        OAuthRedirect error(String code, String description) {
            return new OAuthRedirect(redirectUri, state, code, description);
        }
    }

    /** An error answered by redirecting to the client (OpenID Connect Core §3.1.2.6). */
    static final class OAuthRedirect extends RuntimeException {
        final String redirectUri;
        final String state;
        final String code;
        boolean afterSignIn;

        OAuthRedirect(String redirectUri, String state, String code, String description) {
            super(description, null, false, false);
            this.redirectUri = redirectUri;
            this.state = state;
            this.code = code;
        }
    }
}
