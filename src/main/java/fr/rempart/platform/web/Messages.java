package fr.rempart.platform.web;

import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/** The texts of pages and API errors, French first ({@code i18n/messages_fr}), English ({@code _en}). */
public final class Messages {

    public static final Locale FRENCH = Locale.FRENCH;
    public static final List<Locale> SUPPORTED = List.of(Locale.FRENCH, Locale.ENGLISH);
    private static final ResourceBundle.Control NO_FALLBACK = ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Messages() {
    }

    public static ResourceBundle bundle(Locale locale) {
        return ResourceBundle.getBundle("i18n.messages", supported(locale), Messages.class.getClassLoader(), NO_FALLBACK);
    }

    public static Locale supported(Locale locale) {
        return locale != null && "en".equals(locale.getLanguage()) ? Locale.ENGLISH : FRENCH;
    }

    public static String get(Locale locale, String key, Object... arguments) {
        try {
            String pattern = bundle(locale).getString(key);
            return arguments.length == 0 ? pattern : new MessageFormat(pattern, supported(locale)).format(arguments);
        } catch (MissingResourceException e) {
            return key;
        }
    }

    /** The whole bundle as a map, for templates: {@code {{t.signin_title}}}. */
    public static Map<String, String> all(Locale locale) {
        ResourceBundle bundle = bundle(locale);
        Map<String, String> map = new HashMap<>();
        for (String key : bundle.keySet()) {
            map.put(key.replace('.', '_').replace('-', '_'), bundle.getString(key));
        }
        return map;
    }
}
