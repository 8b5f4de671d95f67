package fr.rempart.platform.web;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import java.util.Date;
import java.util.Optional;

/**
 * Where to go once a sign-in is complete: the OpenID authorization endpoint sends the browser to a
 * sign-in page and leaves this short-lived cookie behind, so the page that completes the sign-in
 * returns to it. Only local paths are kept, so it can never become an open redirect.
 */
public final class ReturnPath {

    public static final String COOKIE = "rempart_return";
    private static final int MAX_LENGTH = 200;
    private static final int LIFETIME_SECONDS = 15 * 60;

    private ReturnPath() {
    }

    /** A path on this host: starts with one slash, no scheme, no backslash, no control character. */
    public static boolean local(String path) {
        return path != null && path.length() <= MAX_LENGTH && path.startsWith("/") && !path.startsWith("//")
                && path.chars().noneMatch(c -> c == '\\' || c < 0x21 || c > 0x7e);
    }

    public static NewCookie set(String path, boolean secure) {
        if (!local(path)) {
            throw new IllegalArgumentException("not a local path");
        }
        return new NewCookie.Builder(COOKIE).value(path).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).maxAge(LIFETIME_SECONDS).build();
    }

    public static Optional<String> of(HttpHeaders headers) {
        return Optional.ofNullable(headers.getCookies().get(COOKIE)).map(Cookie::getValue).filter(ReturnPath::local);
    }

    public static NewCookie cleared(boolean secure) {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.LAX).maxAge(0).expiry(new Date(0)).build();
    }
}
