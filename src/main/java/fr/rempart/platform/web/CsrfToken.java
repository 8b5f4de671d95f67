package fr.rempart.platform.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Arrays;

/** The CSRF token of the current request's forms; issues the cookie the first time a browser needs one. */
@RequestScoped
public class CsrfToken {

    @Inject
    HttpServletRequest request;
    @Inject
    Csrf csrf;
    @Inject
    fr.rempart.platform.config.Settings settings;

    private String cookieValue;
    private boolean issued;

    /** The value to put in the form's hidden {@code _csrf} field. */
    public String formToken() {
        if (cookieValue == null) {
            cookieValue = Arrays.stream(request.getCookies() == null ? new Cookie[0] : request.getCookies())
                    .filter(c -> Csrf.cookieName(ClientInfo.of(request, settings).secure()).equals(c.getName()) && c.getValue() != null && c.getValue().length() >= 32)
                    .map(Cookie::getValue).findFirst().orElse(null);
            if (cookieValue == null) {
                cookieValue = Csrf.newCookieValue();
                issued = true;
            }
        }
        return csrf.tokenFor(cookieValue);
    }

    /** A fresh cookie value (at sign-in: the pre-sign-in token must not outlive the anonymous page). */
    public void renew() {
        cookieValue = Csrf.newCookieValue();
        issued = true;
    }

    String issuedCookieValue() {
        return issued ? cookieValue : null;
    }
}
