package fr.rempart.member;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The French social security number (NIR): 13 characters and a 2-digit key, validated once here.
 * A NIR identifies a person and proves nothing: after the breach it is known to the attackers.
 * {@link #toString()} and {@link #masked()} never show the whole number.
 */
public final class Nir {

    public enum Problem { FORMAT, KEY }

    /**
     * Sex 1/2 (3/4: temporary numbers, accepted and noted; 7/8 "NIA" waiting numbers are not a
     * member's NIR), year, month 01–12 or 20–42 / 50–99 (incomplete civil-status records),
     * département 01–95, 2A/2B, 97/98 (overseas) or 99 (abroad), commune, order 001–999, key.
     */
    private static final Pattern SHAPE = Pattern.compile(
            "[1-4]\\d{2}(0[1-9]|1[0-2]|[2-3]\\d|4[0-2]|[5-9]\\d)(0[1-9]|[1-8]\\d|9[0-5]|2[AB]|9[789])\\d{3}(?!000)\\d{3}\\d{2}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\u00A0\u202F.\\-]");

    private final String value;

    private Nir(String value) {
        this.value = value;
    }

    public static Nir parse(String raw) {
        String canonical = canonical(raw);
        Optional<Problem> problem = problemOf(canonical);
        if (problem.isPresent()) {
            throw new InvalidNirException(problem.get());
        }
        return new Nir(canonical);
    }

    /** Why the input is not a valid NIR, or empty when it is one. */
    public static Optional<Problem> problem(String raw) {
        return raw == null ? Optional.of(Problem.FORMAT) : problemOf(canonical(raw));
    }

    private static String canonical(String raw) {
        return raw == null ? "" : SEPARATORS.matcher(raw).replaceAll("").toUpperCase(java.util.Locale.ROOT);
    }

    private static Optional<Problem> problemOf(String canonical) {
        if (canonical.length() != 15 || !SHAPE.matcher(canonical).matches()) {
            return Optional.of(Problem.FORMAT);
        }
        return key(canonical.substring(0, 13)) == Integer.parseInt(canonical.substring(13)) ? Optional.empty() : Optional.of(Problem.KEY);
    }

    /** key = 97 − (N mod 97), with Corsica's 2A read as 19 and 2B as 18. */
    static int key(String first13) {
        String digits = first13.replace("2A", "19").replace("2B", "18");
        return 97 - (int) (Long.parseLong(digits) % 97);
    }

    public String value() {
        return value;
    }

    /** 1 or 3: a man; 2 or 4: a woman. */
    public char sexDigit() {
        return value.charAt(0);
    }

    public boolean temporary() {
        return sexDigit() == '3' || sexDigit() == '4';
    }

    public int yearOfBirth2() {
        return Integer.parseInt(value.substring(1, 3));
    }

    /** The birth month, or empty when the record was incomplete (20–42, 50–99). */
    public Optional<Integer> monthOfBirth() {
        int month = Integer.parseInt(value.substring(3, 5));
        return month <= 12 ? Optional.of(month) : Optional.empty();
    }

    public boolean corsica() {
        return value.charAt(5) == '2' && (value.charAt(6) == 'A' || value.charAt(6) == 'B');
    }

    public boolean bornAbroad() {
        return value.startsWith("99", 5);
    }

    /** {@code 2 84 05 ** *** *** 32}: sex, year and month of birth and the key stay visible. */
    public String masked() {
        return value.charAt(0) + " " + value.substring(1, 3) + " " + value.substring(3, 5) + " ** *** *** " + value.substring(13);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nir other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return masked();
    }

    public static final class InvalidNirException extends IllegalArgumentException {
        private final Problem problem;

        public InvalidNirException(Problem problem) {
            super("Invalid NIR: " + problem);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }
}
