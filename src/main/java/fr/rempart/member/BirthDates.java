package fr.rempart.member;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/** Birth dates as members and files write them: ISO ({@code 1980-03-01}) or French ({@code 01/03/1980}). */
public final class BirthDates {

    public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);
    private static final DateTimeFormatter FRENCH = DateTimeFormatter.ofPattern("dd/MM/uuuu").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    private BirthDates() {
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
