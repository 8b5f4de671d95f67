package fr.rempart.platform.web;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-rendered pages: Mustache templates from {@code templates/}, HTML-escaped by default, with
 * the texts of the user's language under {@code t}. Pages carry no inline script or style, so the
 * Content-Security-Policy can forbid both.
 */
@ApplicationScoped
public class Pages {

    @jakarta.inject.Inject
    fr.rempart.platform.config.Settings settings;

    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(true).defaultValue("")
            .withLoader(name -> reader("templates/" + name + ".mustache"));

    /** What every page's layout needs: its title, the form token, the mutual's name, where the language link returns. */
    public Map<String, Object> base(String title, String csrf, String returnPath) {
        Map<String, Object> model = new HashMap<>();
        model.put("title", title);
        model.put("csrf", csrf);
        model.put("mutualName", settings.mutualName());
        model.put("returnPath", returnPath);
        return model;
    }

    /** A moment as the pages show it: Paris time, in the reader's language ({@code date} style, short time). */
    public static String dateTime(java.time.Instant at, Locale locale, java.time.format.FormatStyle date) {
        return java.time.format.DateTimeFormatter.ofLocalizedDateTime(date, java.time.format.FormatStyle.SHORT).withLocale(locale)
                .format(at.atZone(java.time.ZoneId.of("Europe/Paris")));
    }

    public String render(String name, Locale locale, Map<String, ?> model) {
        Template template = cache.computeIfAbsent(name, n -> {
            try (Reader reader = reader("templates/" + n + ".mustache")) {
                return compiler.compile(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Map<String, Object> context = new HashMap<>(model);
        context.putIfAbsent("mutualName", settings == null ? "" : settings.mutualName());
        Locale supported = Messages.supported(locale);
        context.put("t", Messages.all(supported));
        context.put("lang", supported.getLanguage());
        context.put("otherLang", "fr".equals(supported.getLanguage()) ? "en" : "fr");
        context.put("otherLangName", "fr".equals(supported.getLanguage()) ? "English" : "Français");
        return template.execute(context);
    }

    private static Reader reader(String path) {
        InputStream in = Pages.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalArgumentException("No template " + path);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
