package fr.rempart.platform.web;

import fr.rempart.platform.config.Settings;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is on the other end of a request. Forwarded headers are believed only when
 * {@code rempart.http.trust-forwarded-headers} says a reverse proxy sets them.
 */
public record ClientInfo(String address, boolean secure, String userAgent) {

    public static ClientInfo of(HttpServletRequest request, Settings settings) {
        String address = request.getRemoteAddr();
        boolean secure = request.isSecure();
        if (settings.trustForwardedHeaders()) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                address = hops[hops.length - 1].strip();
            }
            secure = secure || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        }
        String agent = request.getHeader("User-Agent");
        return new ClientInfo(address, secure, agent == null ? null : agent.length() > 200 ? agent.substring(0, 200) : agent);
    }
}
