package fr.rempart.platform.validation;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/** Dates as people and files write them in France: ISO ({@code 1980-03-01}) or French ({@code 01/03/1980}). */
public final class Dates {

    private static final DateTimeFormatter FRENCH = DateTimeFormatter.ofPattern("dd/MM/uuuu").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    private Dates() {
    }

    /** Parses either accepted form, strictly (no 31 February). */
    public static Optional<LocalDate> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        try {
            return Optional.of(LocalDate.parse(s, s.contains("/") ? FRENCH : ISO));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
