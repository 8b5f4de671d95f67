package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.platform.web.ReturnPath;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.Date;
import java.util.Optional;

/**
 * Staff sessions as other capabilities use them (the OpenID provider first): who is signed in on this
 * browser, with which factors and since when; a staff account by its subject; ending a session by
 * its {@code sid}. Also the {@code rempart_staff} cookie: {@code HttpOnly}, {@code SameSite=Lax} (the
 * OpenID flows arrive by top-level navigation), path {@code /}, and behind TLS {@code Secure} with
 * the {@code __Host-} prefix. It is apart from the members' session cookie: being signed in as a
 * member never makes anyone staff, nor the other way round.
 */
@ApplicationScoped
public class StaffSessions {

    static final String COOKIE = "rempart_staff";
    static final String SIGN_IN_PATH = "/staff/signin";

    private StaffSessionStore sessions;
    private StaffRepository staff;
    private AuditTrail audit;
    private Settings settings;

    protected StaffSessions() {
    }

    @Inject
    public StaffSessions(StaffSessionStore sessions, StaffRepository staff, AuditTrail audit, Settings settings) {
        this.sessions = sessions;
        this.staff = staff;
        this.audit = audit;
        this.settings = settings;
    }

    /** The member of staff signed in on this browser: a FULL session (both factors, own password) of an account not disabled. */
    public Optional<StaffPrincipal> current(HttpHeaders headers, HttpServletRequest request) {
        return session(headers, request).filter(StaffSession::full).flatMap(s -> staff.byId(s.staff()).filter(a -> !a.disabled())
                .map(a -> principal(a, s)));
    }

    /** The account with this subject, not disabled, without session details ({@code amr}, {@code authTime}, {@code sid} null). */
    public Optional<StaffPrincipal> byId(String subject) {
        return StaffId.parse(subject).flatMap(staff::byId).filter(a -> !a.disabled()).map(a -> principal(a, null));
    }

    /**
     * The staff account a token of the external identity provider speaks for: the one its sign-in
     * created for this issuer and subject (disabled or not, the caller decides). Empty for another
     * issuer, or a person the provider never signed in here.
     */
    public Optional<StaffAccount> externalAccount(String issuer, String subject) {
        if (issuer == null || subject == null || settings.staffIdpIssuer().map(i -> !i.toString().equals(issuer)).orElse(true)) {
            return Optional.empty();
        }
        return staff.byExternalSubject(Secrets.sha256Hex(issuer + "|" + subject));
    }

    /** Ends the session with this sid (RP-initiated logout, a revocation); nothing when there is none. */
    public void revoke(String sid) {
        Optional<StaffAccount> account = sessions.staffOf(sid).flatMap(staff::byId);
        if (sessions.revokeSid(sid)) {
            account.ifPresent(a -> audit.record(Actor.staff(a.username().value()), "staff.signout", a.auditSubject(), "session revoked", "sid=" + sid));
        }
    }

    /** Whether a session with this sid is open, locked until the end of the caller's transaction (a code's redemption). */
    public boolean openLocked(String sid) {
        return sessions.openLocked(sid);
    }

    /**
     * The staff page's gate: the member of staff signed in on this browser, if they are in one of
     * {@code groups}. Otherwise the request ends here: a redirect to the staff sign-in, which comes
     * back to {@code back}; or a 403 saying {@code forbiddenKey} to staff outside the groups.
     */
    public StaffPrincipal require(HttpHeaders headers, HttpServletRequest request, String back, String forbiddenKey, String... groups) {
        Optional<StaffPrincipal> who = current(headers, request);
        if (who.isEmpty()) {
            // A path that is no local path (a mangled address) is not kept: the sign-in leads to the staff home instead.
            jakarta.ws.rs.core.Response.ResponseBuilder toSignIn = jakarta.ws.rs.core.Response.seeOther(java.net.URI.create(SIGN_IN_PATH));
            if (ReturnPath.local(back)) {
                toSignIn.cookie(ReturnPath.set(back, client(request).secure()));
            }
            throw new jakarta.ws.rs.RedirectionException(toSignIn.build());
        }
        if (java.util.Arrays.stream(groups).noneMatch(who.get().groups()::contains)) {
            throw new ProblemException(403, forbiddenKey);
        }
        return who.get();
    }

    /** Where a browser signs in as staff. */
    public String signInPath() {
        return SIGN_IN_PATH;
    }

    /** Where a signed-in staff member confirms signing in again (an application's prompt=login or max_age). */
    public String reauthenticationPath() {
        return SIGN_IN_PATH + "/again";
    }

    /** This browser's staff session at any stage (for the sign-in pages). */
    Optional<StaffSession> session(HttpHeaders headers, HttpServletRequest request) {
        return token(headers, request).flatMap(sessions::find);
    }

    Optional<String> token(HttpHeaders headers, HttpServletRequest request) {
        return Optional.ofNullable(headers.getCookies().get(cookieName(client(request).secure()))).map(Cookie::getValue);
    }

    NewCookie cookie(String token, HttpServletRequest request) {
        boolean secure = client(request).secure();
        return new NewCookie.Builder(cookieName(secure)).value(token).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).build();
    }

    public NewCookie clearedCookie(HttpServletRequest request) {
        boolean secure = client(request).secure();
        return new NewCookie.Builder(cookieName(secure)).value("").path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).maxAge(0).expiry(new Date(0)).build();
    }

    ClientInfo client(HttpServletRequest request) {
        return ClientInfo.of(request, settings);
    }

    static String cookieName(boolean secure) {
        return secure ? "__Host-" + COOKIE : COOKIE;
    }

    static StaffPrincipal principal(StaffAccount account, StaffSession session) {
        return new StaffPrincipal(account.id().toString(), account.username().value(), account.displayName(), account.email().value(),
                account.groupNames(), session == null ? null : session.amr(), session == null ? null : session.authTime(),
                session == null ? null : session.sid());
    }
}
