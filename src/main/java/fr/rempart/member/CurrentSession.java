package fr.rempart.member;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.Optional;

/** The member's session behind a request, for pages under sign-in (the second factor's, the password check); sign-in implements it ({@code signin.BrowserSessions}). */
public interface CurrentSession {

    Optional<WebSession> current(HttpHeaders headers, HttpServletRequest request);
}
