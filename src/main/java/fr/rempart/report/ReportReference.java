package fr.rempart.report;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A report's reference, given to the member and read over the phone ({@code SIG-7K2Q-M9XD-C}): eight
 * random characters from the notices' alphabet (no look-alikes: no I, L, O, U, 0, 1) and a check
 * character by ISO/IEC 7064 hybrid MOD 31,30, which catches every single wrong character and most swaps
 * of two neighbours, so a typo is told apart from a reference that was never given.
 */
public record ReportReference(String value) {

    static final String ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    private static final int M = ALPHABET.length();
    private static final RandomGenerator RANDOM = new SecureRandom();

    /** The canonical form only ({@code SIG-XXXX-XXXX-C}); {@link #parse} accepts what people type. */
    public ReportReference {
        if (value == null || value.length() != 15 || !value.startsWith("SIG-") || value.charAt(8) != '-' || value.charAt(13) != '-'
                || !valid(value.substring(4, 8) + value.substring(9, 13) + value.charAt(14))) {
            throw new IllegalArgumentException("Not a report reference");
        }
    }

    public static ReportReference random() {
        return random(RANDOM);
    }

    static ReportReference random(RandomGenerator random) {
        StringBuilder raw = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            raw.append(ALPHABET.charAt(random.nextInt(M)));
        }
        raw.append(checkCharacter(raw));
        return new ReportReference(format(raw));
    }

    /** Case, spaces, dashes and the {@code SIG} prefix do not matter; a wrong check character is refused. */
    public static Optional<ReportReference> parse(String typed) {
        if (typed == null || typed.length() > 40) {
            return Optional.empty();
        }
        String raw = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s\\-]", "");
        if (raw.startsWith("SIG")) {
            raw = raw.substring(3);
        }
        return valid(raw) ? Optional.of(new ReportReference(format(raw))) : Optional.empty();
    }

    private static boolean valid(String raw) {
        return raw.length() == 9 && raw.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0) && checkCharacter(raw.substring(0, 8)) == raw.charAt(8);
    }

    private static String format(CharSequence raw) {
        return "SIG-" + raw.subSequence(0, 4) + "-" + raw.subSequence(4, 8) + "-" + raw.charAt(8);
    }

    /** ISO/IEC 7064 hybrid system MOD (M+1),M with M = 30: the prime modulus 31 is what makes every substitution count. */
    static char checkCharacter(CharSequence characters) {
        int p = M;
        for (int i = 0; i < characters.length(); i++) {
            int s = (p + ALPHABET.indexOf(characters.charAt(i))) % M;
            p = (2 * (s == 0 ? M : s)) % (M + 1);
        }
        return ALPHABET.charAt((M + 1 - p) % M);
    }

    @Override
    public String toString() {
        return value;
    }
}
