package fr.rempart.platform.web;

import fr.rempart.platform.config.Settings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.ext.Provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Every state-changing page request (any POST outside {@code /api}) must carry the form's CSRF token
 * matching its cookie, and must not come from another site (Origin and Sec-Fetch-Site, when the
 * browser sends them). The API is exempt: it takes Bearer tokens, never cookies; so are the OAuth
 * back-channel endpoints marked {@link Csrf.Exempt} (client-authenticated, called by servers).
 */
@Provider
@Priority(Priorities.USER + 100)
public class CsrfFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Inject
    Csrf csrf;
    @Inject
    CsrfToken token;
    @Inject
    Settings settings;
    @Context
    HttpServletRequest servletRequest;
    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String path = request.getUriInfo().getPath();
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()) || path.startsWith("api/") || path.startsWith("/api/")
                || (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(Csrf.Exempt.class))) {
            return;
        }
        if ("cross-site".equals(request.getHeaderString("Sec-Fetch-Site")) || !sameOrigin(request)) {
            throw new ProblemException(403, "problem.csrf");
        }
        if (request.hasEntity() && MediaType.MULTIPART_FORM_DATA_TYPE.isCompatible(request.getMediaType())) {
            if (resource.getResourceMethod() == null || !resource.getResourceMethod().isAnnotationPresent(Csrf.InMultipartBody.class)) {
                throw new ProblemException(403, "problem.csrf");
            }
            return; // the method checks the token among the parts, before using any
        }
        Cookie cookie = request.getCookies().get(Csrf.cookieName(ClientInfo.of(servletRequest, settings).secure()));
        String submitted = null;
        if (request.hasEntity() && MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(request.getMediaType())) {
            byte[] body = request.getEntityStream().readAllBytes();
            submitted = field(new String(body, StandardCharsets.UTF_8), Csrf.FIELD);
            request.setEntityStream(new ByteArrayInputStream(body));
        }
        if (cookie == null || !csrf.valid(cookie.getValue(), submitted)) {
            throw new ProblemException(403, "problem.csrf");
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String issued = token.issuedCookieValue();
        if (issued != null) {
            boolean secure = ClientInfo.of(servletRequest, settings).secure();
            response.getHeaders().add(HttpHeaders.SET_COOKIE, new NewCookie.Builder(Csrf.cookieName(secure)).value(issued).path("/").httpOnly(true)
                    .secure(secure).sameSite(NewCookie.SameSite.STRICT).build());
        }
    }

    private static boolean sameOrigin(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        try {
            return host != null && host.equalsIgnoreCase(URI.create(origin).getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && name.equals(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
