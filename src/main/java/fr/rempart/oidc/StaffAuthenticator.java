package fr.rempart.oidc;

import fr.rempart.signin.staff.StaffPrincipal;
import fr.rempart.signin.staff.StaffSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Helpdesk staff sign in through the staff pages (password and TOTP, always): a client registered
 * with {@code population: staff} — the helpdesk console — signs them in, never members. Their
 * tokens carry their groups ({@code helpdesk-agent}, {@code helpdesk-supervisor}, {@code security-admin}).
 */
@ApplicationScoped
public class StaffAuthenticator implements Authenticator {

    @Inject
    StaffSessions staff;

    @Override
    public OidcClient.Population population() {
        return OidcClient.Population.STAFF;
    }

    @Override
    public Optional<SignedIn> current(HttpHeaders headers, HttpServletRequest request) {
        return staff.current(headers, request).map(StaffAuthenticator::signedIn);
    }

    @Override
    public Optional<SignedIn> bySubject(String subject) {
        return staff.byId(subject).map(StaffAuthenticator::signedIn);
    }

    @Override
    public String signInPath() {
        return staff.signInPath();
    }

    @Override
    public String reauthenticationPath() {
        return staff.reauthenticationPath();
    }

    @Override
    public boolean sessionOpen(String sid) {
        return staff.openLocked(sid);
    }

    @Override
    public NewCookie[] endSession(HttpHeaders headers, HttpServletRequest request, String reason) {
        staff.current(headers, request).ifPresent(p -> staff.revoke(p.sid()));
        return new NewCookie[]{staff.clearedCookie(request)};
    }

    /** Staff sessions always have the second factor. */
    @Override
    public Optional<StepUp> stepUp(SignedIn signedIn, HttpHeaders headers, HttpServletRequest request, String clientId) {
        return Optional.empty();
    }

    private static SignedIn signedIn(StaffPrincipal p) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("name", p.displayName());
        claims.put("preferred_username", p.username());
        if (p.email() != null) {
            claims.put("email", p.email());
        }
        return new SignedIn(p.subject(), p.sid(), p.amr() == null ? java.util.Set.of() : p.amr(), p.authTime(), p.groups(), claims);
    }
}
