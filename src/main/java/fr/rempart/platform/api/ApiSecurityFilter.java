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

/**
 * Authentication and authorisation of {@code /api/v1}: a Bearer access token from a trusted issuer,
 * groups from its {@code groups} claim, checked against the method's {@link Allowed}. Deny by
 * default: an API method with neither {@code @Allowed} nor {@code @Allowed.Anyone} answers 403.
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
        Optional<TrustedIssuers.Caller> caller = bearer(request).flatMap(issuers::verify);
        caller.ifPresent(c -> {
            request.setProperty(CALLER, c);
            request.setSecurityContext(new CallerContext(c, request.getSecurityContext().isSecure()));
        });
        if (method.isAnnotationPresent(Allowed.Anyone.class)) {
            return;
        }
        Allowed allowed = Optional.ofNullable(method.getAnnotation(Allowed.class))
                .orElse(method.getDeclaringClass().getAnnotation(Allowed.class));
        if (caller.isEmpty()) {
            request.abortWith(Response.fromResponse(Problem.response(401, "Unauthorized",
                            "A valid Bearer access token from a trusted issuer is required."))
                    .header(HttpHeaders.WWW_AUTHENTICATE, bearer(request).isPresent()
                            ? "Bearer realm=\"rempart\", error=\"invalid_token\"" : "Bearer realm=\"rempart\"").build());
            return;
        }
        if (allowed == null || (allowed.value().length > 0 && Arrays.stream(allowed.value()).noneMatch(caller.get().groups()::contains))) {
            request.abortWith(Problem.response(403, "Forbidden", "This token's groups do not allow this operation."));
        }
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
            return caller.groups().contains(role);
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
