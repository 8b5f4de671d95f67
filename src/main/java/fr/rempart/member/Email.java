package fr.rempart.member;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** An e-mail address; its key (lower-cased) is unique among members, so it can be a sign-in identifier. */
public record Email(String value) {

    public static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)+");

    public Email {
        if (!valid(value)) {
            throw new IllegalArgumentException("Invalid e-mail address");
        }
    }

    public static Email parse(String raw) {
        return new Email(clean(raw));
    }

    public static boolean valid(String raw) {
        String cleaned = clean(raw);
        return cleaned != null && cleaned.length() <= MAX_LENGTH && SHAPE.matcher(cleaned).matches()
                && !cleaned.contains("..") && !cleaned.startsWith(".") && !cleaned.contains(".@");
    }

    private static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        int at = s.lastIndexOf('@');
        if (at <= 0) {
            return s;
        }
        try {
            return s.substring(0, at) + "@" + IDN.toASCII(s.substring(at + 1)).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }

    /** The address as a page or the helpdesk may show it: the first character and the domain ({@code j***@example.fr}). */
    public String masked() {
        int at = value.lastIndexOf('@');
        return at <= 0 ? "***" : value.charAt(0) + "***" + value.substring(at);
    }

    public String localPart() {
        return value.substring(0, value.lastIndexOf('@'));
    }

    @Override
    public String toString() {
        return value;
    }
}
