package fr.rempart.member;

import java.util.Locale;
import java.util.Optional;

/** Sex as recorded by the civil status; the NIR's first digit agrees with it. */
public enum Sex {
    MALE('M', '1'), FEMALE('F', '2');

    private final char code;
    private final char nirDigit;

    Sex(char code, char nirDigit) {
        this.code = code;
        this.nirDigit = nirDigit;
    }

    public char code() {
        return code;
    }

    /** Accepts M/H/1 for a man and F/2 for a woman, in any case. */
    public static Optional<Sex> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return switch (raw.strip().toUpperCase(Locale.ROOT)) {
            case "M", "H", "1", "MALE", "HOMME" -> Optional.of(MALE);
            case "F", "2", "FEMALE", "FEMME" -> Optional.of(FEMALE);
            default -> Optional.empty();
        };
    }

    public static Sex ofCode(char code) {
        return code == 'M' ? MALE : FEMALE;
    }

    /** True when the NIR's sex digit (1/3 man, 2/4 woman) says the same. */
    public boolean agreesWith(Nir nir) {
        char digit = nir.sexDigit();
        return digit == nirDigit || digit == nirDigit + 2;
    }
}
