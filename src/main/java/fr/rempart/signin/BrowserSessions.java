package fr.rempart.signin;

import fr.rempart.member.CurrentSession;
import fr.rempart.member.WebSession;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.Date;
import java.util.Optional;

/**
 * The session and device cookies. The session cookie is {@code HttpOnly}, {@code SameSite=Lax}
 * (the OpenID flows arrive by top-level navigation from other sites) and, behind TLS, {@code Secure}
 * with the {@code __Host-} prefix, which pins it to this host and path.
 */
@ApplicationScoped
public class BrowserSessions implements CurrentSession {

    static final String SESSION = "rempart_session";

    private SessionStore sessions;
    private DeviceCookies devices;
    private Settings settings;

    protected BrowserSessions() {
    }

    @Inject
    public BrowserSessions(SessionStore sessions, DeviceCookies devices, Settings settings) {
        this.sessions = sessions;
        this.devices = devices;
        this.settings = settings;
    }

    public Optional<WebSession> current(HttpHeaders headers, HttpServletRequest request) {
        return token(headers, request).flatMap(sessions::find);
    }

    public Optional<String> token(HttpHeaders headers, HttpServletRequest request) {
        return Optional.ofNullable(headers.getCookies().get(sessionName(client(request).secure()))).map(Cookie::getValue);
    }

    public Optional<DeviceCookies.Device> device(HttpHeaders headers) {
        return Optional.ofNullable(headers.getCookies().get(DeviceCookies.COOKIE)).flatMap(c -> devices.verify(c.getValue()));
    }

    public NewCookie sessionCookie(String token, HttpServletRequest request) {
        boolean secure = client(request).secure();
        return new NewCookie.Builder(sessionName(secure)).value(token).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).build();
    }

    public NewCookie clearedSessionCookie(HttpServletRequest request) {
        boolean secure = client(request).secure();
        return new NewCookie.Builder(sessionName(secure)).value("").path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).maxAge(0).expiry(new Date(0)).build();
    }

    public NewCookie deviceCookie(String value, HttpServletRequest request) {
        return new NewCookie.Builder(DeviceCookies.COOKIE).value(value).path("/signin").httpOnly(true).secure(client(request).secure())
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) devices.lifetime().toSeconds()).build();
    }

    public ClientInfo client(HttpServletRequest request) {
        return ClientInfo.of(request, settings);
    }

    private static String sessionName(boolean secure) {
        return secure ? "__Host-" + SESSION : SESSION;
    }
}
