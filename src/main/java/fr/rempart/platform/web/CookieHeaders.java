package fr.rempart.platform.web;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.ext.Provider;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes every cookie the pages set as RFC 6265 {@code Set-Cookie} headers. Jakarta REST 4's own
 * writer adds {@code Version=1}, the RFC 2965 attribute: clients that still honour it (Java's
 * {@code CookieManager}, some proxies) then send the value quoted with {@code $Version}, and the
 * session and CSRF cookies no longer match. Runs after every other response filter.
 */
@Provider
@Priority(0)
public class CookieHeaders implements ContainerResponseFilter {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        List<Object> cookies = response.getHeaders().get(HttpHeaders.SET_COOKIE);
        if (cookies != null) {
            cookies.replaceAll(c -> c instanceof NewCookie cookie ? header(cookie) : c);
        }
    }

    static String header(NewCookie cookie) {
        StringBuilder b = new StringBuilder(cookie.getName()).append('=').append(cookie.getValue() == null ? "" : cookie.getValue());
        if (cookie.getPath() != null) {
            b.append("; Path=").append(cookie.getPath());
        }
        if (cookie.getDomain() != null) {
            b.append("; Domain=").append(cookie.getDomain());
        }
        if (cookie.getMaxAge() >= 0) {
            b.append("; Max-Age=").append(cookie.getMaxAge());
        }
        if (cookie.getExpiry() != null) {
            b.append("; Expires=").append(HTTP_DATE.format(cookie.getExpiry().toInstant()));
        }
        if (cookie.isSecure()) {
            b.append("; Secure");
        }
        if (cookie.isHttpOnly()) {
            b.append("; HttpOnly");
        }
        if (cookie.getSameSite() != null) {
            b.append("; SameSite=").append(switch (cookie.getSameSite()) {
                case STRICT -> "Strict";
                case LAX -> "Lax";
                case NONE -> "None";
            });
        }
        return b.toString();
    }
}
