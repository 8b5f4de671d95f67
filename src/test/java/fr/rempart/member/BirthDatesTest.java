package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class BirthDatesTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"1984-05-12", "12/05/1984", " 1984-05-12 ", " 12/05/1984\t"})
    void isoAndFrenchFormsAreRead(String raw) {
        assertThat(BirthDates.parse(raw)).contains(LocalDate.of(1984, 5, 12));
    }

    @Test
    void frenchFormIsDayThenMonth() {
        assertThat(BirthDates.parse("01/03/1980")).contains(LocalDate.of(1980, 3, 1));
    }

    @Test
    void leapDayIsAcceptedInLeapYearsOnly() {
        assertThat(BirthDates.parse("29/02/2000")).contains(LocalDate.of(2000, 2, 29));
        assertThat(BirthDates.parse("2024-02-29")).contains(LocalDate.of(2024, 2, 29));
        assertThat(BirthDates.parse("29/02/1900")).isEmpty();
        assertThat(BirthDates.parse("2023-02-29")).isEmpty();
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"31/02/1984", "1984-02-30", "31/04/1984", "1984-13-01", "00/05/1984", "32/01/1984",
            "5/12/1984", "1984-5-12", "12-05-1984", "1984/05/12", "12.05.1984", "12/05/84", "19840512", "demain"})
    void impossibleOrUnexpectedDatesAreRefused(String raw) {
        assertThat(BirthDates.parse(raw)).isEmpty();
    }
}
