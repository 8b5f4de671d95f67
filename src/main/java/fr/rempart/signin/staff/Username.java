package fr.rempart.signin.staff;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A staff member's sign-in name: 2 to 40 characters, a letter first, then letters, digits, dots,
 * hyphens or underscores; kept in lower case, so {@code J.Martin} and {@code j.martin} are one name.
 */
public record Username(String value) {

    public static final int MAX_LENGTH = 40;
    private static final Pattern SHAPE = Pattern.compile("[a-z][a-z0-9._-]{1,39}");

    public Username {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid username");
        }
    }

    public static boolean valid(String raw) {
        return raw != null && SHAPE.matcher(canonical(raw)).matches();
    }

    public static Username parse(String raw) {
        return new Username(canonical(raw));
    }

    /** What a typed name is looked up as: trimmed, lower case (whatever it is, so unknown names cost the same). */
    public static String canonical(String raw) {
        return raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
