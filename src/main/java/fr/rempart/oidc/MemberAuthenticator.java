package fr.rempart.oidc;

import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberId;
import fr.rempart.member.WebSession;
import fr.rempart.signin.BrowserSessions;
import fr.rempart.signin.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Members sign in through the member pages (password, second factor, required actions). */
@ApplicationScoped
public class MemberAuthenticator implements Authenticator {

    @Inject
    BrowserSessions browser;
    @Inject
    SessionStore sessions;
    @Inject
    MemberDirectory members;
    @Inject
    HardeningState hardening;

    @Override
    public OidcClient.Population population() {
        return OidcClient.Population.MEMBER;
    }

    @Override
    public Optional<SignedIn> current(HttpHeaders headers, HttpServletRequest request) {
        // The session's facts are all the authorization endpoint needs; the claims are read at the token endpoint.
        return browser.current(headers, request).filter(WebSession::full)
                .map(s -> new SignedIn(s.member().value().toString(), s.sid(), s.amr(), s.createdAt(), Set.of(), Map.of()));
    }

    @Override
    public Optional<SignedIn> bySubject(String subject) {
        try {
            return members.byId(new MemberId(UUID.fromString(subject))).map(m -> signedIn(m, null, Set.of(), null));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String signInPath() {
        return "/signin";
    }

    @Override
    public String reauthenticationPath() {
        return "/signin?reauth";
    }

    @Override
    public boolean sessionOpen(String sid) {
        return sessions.openLocked(sid);
    }

    @Override
    public NewCookie[] endSession(HttpHeaders headers, HttpServletRequest request, String reason) {
        browser.token(headers, request).ifPresent(sessions::revoke);
        return new NewCookie[]{browser.clearedSessionCookie(request)};
    }

    /**
     * The step-up page asks for the second factor, or offers to set one up: nothing about the session or
     * the account changes until the member acts there, so a link from another site changes nothing.
     */
    @Override
    public Optional<StepUp> stepUp(SignedIn signedIn, HttpHeaders headers, HttpServletRequest request, String clientId) {
        return browser.current(headers, request).filter(WebSession::full).map(s -> new StepUp("/signin/step-up"));
    }

    private SignedIn signedIn(Member member, String sid, Set<String> amr, java.time.Instant authTime) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("name", member.displayName());
        claims.put("given_name", member.firstName().value());
        claims.put("family_name", member.lastName().value());
        claims.put("locale", member.language());
        claims.put("member_number", member.number().value());
        if (member.email() != null) {
            claims.put("email", member.email().value());
        }
        if (member.phone() != null) {
            claims.put("phone_number", member.phone().e164());
        }
        claims.put(HardeningState.CLAIM, hardening.of(member));
        return new SignedIn(member.id().value().toString(), sid, amr, authTime, Set.of(), claims);
    }
}
