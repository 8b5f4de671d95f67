package fr.rempart.member;

import fr.rempart.platform.validation.Dates;

import java.time.LocalDate;
import java.util.Optional;

/** Birth dates as members and files write them: ISO ({@code 1980-03-01}) or French ({@code 01/03/1980}). */
public final class BirthDates {

    public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

    private BirthDates() {
    }

    /** Parses either accepted form, strictly (no 31 February). */
    public static Optional<LocalDate> parse(String raw) {
        return Dates.parse(raw);
    }
}
