package fr.rempart.oidc;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.Optional;

/**
 * How the provider signs one population in (members or helpdesk staff) with the pages that exist:
 * the authorization endpoint asks it for the current session and, when there is none, sends the
 * browser to its sign-in page. One implementation per population.
 */
public interface Authenticator {

    OidcClient.Population population();

    /** The completely signed-in session of this browser, if any: who, which session, which factors, when (claims may be empty). */
    Optional<SignedIn> current(HttpHeaders headers, HttpServletRequest request);

    /** The subject as it is now (for refresh and UserInfo), or empty when the account is gone. */
    Optional<SignedIn> bySubject(String subject);

    /** Where the browser signs in; the caller leaves a return path behind. */
    String signInPath();

    /**
     * Where a signed-in browser signs in again (prompt=login, max_age exceeded): a page where the person
     * acts (enters the password again, or confirms signing out), so a link from another site cannot end a session.
     */
    String reauthenticationPath();

    /**
     * Whether the session a code was issued in is still open, locked until the end of the current
     * transaction: a code is not redeemed after a sign-out, a password change or an incident.
     */
    boolean sessionOpen(String sid);

    /** Ends the browser's session (RP-initiated logout); cookies to send. */
    NewCookie[] endSession(HttpHeaders headers, HttpServletRequest request, String reason);

    /**
     * Where the session is raised to a second factor (acr_values asking for MFA), or empty when this
     * population cannot be.
     */
    Optional<StepUp> stepUp(SignedIn signedIn, HttpHeaders headers, HttpServletRequest request, String clientId);

    /** Where the browser raises its session; going there changes nothing by itself. */
    record StepUp(String path) {
    }
}
