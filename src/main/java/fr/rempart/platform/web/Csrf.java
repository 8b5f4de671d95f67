package fr.rempart.platform.web;

import fr.rempart.platform.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF tokens for every form: a random value in an HttpOnly, SameSite=Strict cookie, and in the form
 * its HMAC under a server key. A forged post has neither the cookie nor a way to compute the token.
 */
@ApplicationScoped
public class Csrf {

    public static final String COOKIE = "rempart_csrf";

    /** Behind TLS the cookie takes the {@code __Host-} prefix: Secure, this host only, path /. */
    public static String cookieName(boolean secure) {
        return secure ? "__Host-" + COOKIE : COOKIE;
    }
    public static final String FIELD = "_csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyRing keys;

    protected Csrf() {
    }

    @Inject
    public Csrf(KeyRing keys) {
        this.keys = keys;
    }

    public static String newCookieValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String tokenFor(String cookieValue) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                keys.mac(KeyRing.Purpose.COOKIE, ("csrf:" + cookieValue).getBytes(StandardCharsets.UTF_8)));
    }

    public boolean valid(String cookieValue, String submitted) {
        if (cookieValue == null || submitted == null || cookieValue.length() < 32) {
            return false;
        }
        return MessageDigest.isEqual(tokenFor(cookieValue).getBytes(StandardCharsets.US_ASCII), submitted.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A page form posted as {@code multipart/form-data} (evidence files): the filter cannot read the
     * token without parsing the files, so the method receives the parts and calls
     * {@link #require(HttpHeaders, boolean, String)} before it uses any of them. Any other multipart
     * page post is refused.
     */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    public @interface InMultipartBody {
    }

    /** The form's token must match the browser's CSRF cookie, or 403 before anything is done. */
    public void require(jakarta.ws.rs.core.HttpHeaders headers, boolean secure, String submitted) {
        jakarta.ws.rs.core.Cookie cookie = headers.getCookies().get(cookieName(secure));
        if (cookie == null || !valid(cookie.getValue(), submitted)) {
            throw new ProblemException(403, "problem.csrf");
        }
    }

    /**
     * A POST that is not a page form: called by other servers with their own authentication (the
     * OAuth token endpoint), or cross-site by design (authorization by form post, logout).
     */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    public @interface Exempt {
    }
}
