package fr.rempart.member;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A last or first name as the member writes it (NFC, trimmed), and its match key: upper case,
 * without accents, hyphens or apostrophes, so "Lefèvre-Dupont" and "LEFEVRE DUPONT" compare equal.
 */
public record PersonName(String value) {

    public static final int MAX_LENGTH = 100;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} '’\\-.]*");

    public PersonName {
        if (!valid(value)) {
            throw new IllegalArgumentException("Invalid name");
        }
    }

    public static PersonName parse(String raw) {
        return new PersonName(clean(raw));
    }

    public static boolean valid(String raw) {
        String cleaned = clean(raw);
        return cleaned != null && !cleaned.isEmpty() && cleaned.codePointCount(0, cleaned.length()) <= MAX_LENGTH
                && ALLOWED.matcher(cleaned).matches();
    }

    private static String clean(String raw) {
        return raw == null ? null : Normalizer.normalize(raw.strip().replaceAll("\\s+", " "), Normalizer.Form.NFC);
    }

    public String matchKey() {
        return matchKey(value);
    }

    public static String matchKey(String raw) {
        String decomposed = Normalizer.normalize(raw, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return decomposed.toUpperCase(Locale.ROOT).replace("Œ", "OE").replace("Æ", "AE")
                .replaceAll("[\\s'’\\-.]+", " ").strip();
    }

    @Override
    public String toString() {
        return value;
    }
}
