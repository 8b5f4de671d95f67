package fr.rempart.member;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A phone number kept in E.164 form. French numbers are accepted as dialled ({@code 06 12 34 56 78},
 * {@code +33 6…}, {@code 0033 6…}); other countries in international form only.
 */
public record PhoneNumber(String e164) {

    private static final Pattern SEPARATORS = Pattern.compile("[\\s\u00A0\u202F.\\-()]");
    private static final Pattern FRENCH_NATIONAL = Pattern.compile("0[1-9]\\d{8}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    public PhoneNumber {
        if (e164 == null || !E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("Invalid phone number");
        }
    }

    public static Optional<PhoneNumber> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = SEPARATORS.matcher(raw.strip()).replaceAll("");
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        if (FRENCH_NATIONAL.matcher(s).matches()) {
            return Optional.of(new PhoneNumber("+33" + s.substring(1)));
        }
        if (s.startsWith("+33")) {
            return s.length() == 12 && s.charAt(3) != '0' && s.substring(3).chars().allMatch(Character::isDigit)
                    ? Optional.of(new PhoneNumber(s)) : Optional.empty();
        }
        return E164.matcher(s).matches() ? Optional.of(new PhoneNumber(s)) : Optional.empty();
    }

    /** The last two digits only, for pages and messages: {@code +33 * ** ** ** 78}. */
    public String masked() {
        return e164.substring(0, 3) + " * ** ** ** " + e164.substring(e164.length() - 2);
    }

    /** The country, the first digit and the last two, for staff and the API: {@code +336******78}. */
    public String maskedForStaff() {
        return e164.length() < 7 ? "***" : e164.substring(0, 4) + "*".repeat(e164.length() - 6) + e164.substring(e164.length() - 2);
    }

    @Override
    public String toString() {
        return e164;
    }
}
