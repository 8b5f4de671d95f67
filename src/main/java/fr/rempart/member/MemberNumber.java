package fr.rempart.member;

import java.util.Locale;
import java.util.regex.Pattern;

/** The member number (numéro d'adhérent): 6 to 12 letters or digits, never 15 characters like a NIR. */
public record MemberNumber(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Z0-9]{6,12}");

    public MemberNumber {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid member number");
        }
    }

    public static MemberNumber parse(String raw) {
        return new MemberNumber(raw == null ? null : raw.strip().toUpperCase(Locale.ROOT));
    }

    public static boolean valid(String raw) {
        return raw != null && SHAPE.matcher(raw.strip().toUpperCase(Locale.ROOT)).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
