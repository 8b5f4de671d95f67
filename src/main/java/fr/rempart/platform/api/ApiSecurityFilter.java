package fr.rempart.platform.api;

import fr.rempart.platform.web.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Authentication and authorisation of {@code /api/v1}: a Bearer access token from a trusted issuer, meant
 * for the API ({@code aud}), groups from its {@code groups} claim as its scopes allow them
 * ({@link TrustedIssuers.Caller#roles()}), checked against the method's {@link Allowed}. Deny by default:
 * an API method with neither {@code @Allowed} nor {@code @Allowed.Anyone} answers 403. Refusals are RFC
 * 9457 problem details with the RFC 6750 §3 challenge.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiSecurityFilter implements ContainerRequestFilter {

    public static final String CALLER = "rempart.caller";

    @Context
    ResourceInfo resource;

    @Inject
    TrustedIssuers issuers;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("api/") && !path.startsWith("/api/")) {
            return;
        }
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Optional<String> token = bearer(request);
        Optional<TrustedIssuers.Caller> caller = token.flatMap(issuers::verify);
        if (token.isPresent() && caller.isEmpty()) {
            // RFC 6750 §3.1: a token that proves nothing here (expired, revoked, not meant for this API) is refused, even where
            // no token is needed: the call is not silently treated as anonymous, as it would file a report nobody can follow.
            request.abortWith(challenge(401, "Unauthorized", "A valid Bearer access token for this API is required.", "invalid_token", null));
            return;
        }
        caller.ifPresent(c -> {
            request.setProperty(CALLER, c);
            request.setSecurityContext(new CallerContext(c, request.getSecurityContext().isSecure()));
        });
        if (caller.isPresent() && caller.get().kind() == TrustedIssuers.Kind.MEMBER && !caller.get().member()) {
            // A member's token opens the API only with the member scope, whatever the method.
            request.abortWith(challenge(403, "Forbidden", "This token was not given the scope " + ApiScopes.SELF + ".", "insufficient_scope",
                    ApiScopes.SELF));
            return;
        }
        if (method.isAnnotationPresent(Allowed.Anyone.class)) {
            return;
        }
        Allowed allowed = Optional.ofNullable(method.getAnnotation(Allowed.class))
                .orElse(method.getDeclaringClass().getAnnotation(Allowed.class));
        if (caller.isEmpty()) {
            request.abortWith(challenge(401, "Unauthorized", "A valid Bearer access token from a trusted issuer is required.", null, null));
            return;
        }
        TrustedIssuers.Caller c = caller.get();
        if (allowed == null) {
            request.abortWith(Problem.response(403, "Forbidden", "This operation is not open to tokens."));
            return;
        }
        boolean anyone = allowed.value().length == 0;
        if (anyone || Arrays.stream(allowed.value()).anyMatch(c.roles()::contains) || (allowed.member() && c.member())) {
            return;
        }
        // The group is in the token but its scope is not: the client could ask for it (RFC 6750 §3.1 insufficient_scope).
        String missing = Arrays.stream(allowed.value()).filter(c.groups()::contains).map(ApiScopes::of).flatMap(Optional::stream).distinct()
                .collect(Collectors.joining(" "));
        if (!missing.isEmpty()) {
            request.abortWith(challenge(403, "Forbidden", "This token was not given the scope " + missing + ".", "insufficient_scope", missing));
            return;
        }
        request.abortWith(Problem.response(403, "Forbidden", "This token's groups do not allow this operation."));
    }

    /** A problem document with the Bearer challenge of RFC 6750 §3 ({@code error} and {@code scope} when given). */
    private static Response challenge(int status, String title, String detail, String error, String scope) {
        StringBuilder header = new StringBuilder("Bearer realm=\"rempart\"");
        if (error != null) {
            header.append(", error=\"").append(error).append('"');
        }
        if (scope != null) {
            header.append(", scope=\"").append(scope).append('"');
        }
        return Response.fromResponse(Problem.response(status, title, detail)).header(HttpHeaders.WWW_AUTHENTICATE, header.toString()).build();
    }

    private static Optional<String> bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip());
    }

    private record CallerContext(TrustedIssuers.Caller caller, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller::subject;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.roles().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
