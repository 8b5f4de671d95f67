package fr.rempart.platform.web;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.Locale;

/** The user's language: the page's language choice (cookie), else Accept-Language, else French. */
public final class Locales {

    public static final String COOKIE = "rempart_lang";

    private Locales() {
    }

    public static Locale of(HttpHeaders headers) {
        Cookie chosen = headers.getCookies().get(COOKIE);
        if (chosen != null && ("en".equals(chosen.getValue()) || "fr".equals(chosen.getValue()))) {
            return Locale.forLanguageTag(chosen.getValue());
        }
        for (Locale accepted : headers.getAcceptableLanguages()) {
            String language = accepted.getLanguage();
            if ("fr".equals(language) || "en".equals(language)) {
                return Messages.supported(accepted);
            }
        }
        return Messages.FRENCH;
    }
}
