package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumberTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "06 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0033 6 12 34 56 78",
            "0033612345678",
            "+33 6 12 34 56 78",
            "+33612345678",
            " +33 6 12 34 56 78 ",
    })
    void frenchMobileAsDialledBecomesE164(String dialled) {
        assertThat(PhoneNumber.parse(dialled)).map(PhoneNumber::e164).contains("+33612345678");
    }

    @Test
    void frenchLandlinesAreAcceptedToo() {
        assertThat(PhoneNumber.parse("01 23 45 67 89")).map(PhoneNumber::e164).contains("+33123456789");
        assertThat(PhoneNumber.parse("05 56 00 00 00")).map(PhoneNumber::e164).contains("+33556000000");
    }

    @Test
    void foreignNumbersAreAcceptedInInternationalForm() {
        assertThat(PhoneNumber.parse("+44 20 7946 0958")).map(PhoneNumber::e164).contains("+442079460958");
        assertThat(PhoneNumber.parse("0049 151 23456789")).map(PhoneNumber::e164).contains("+4915123456789");
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {
            "06123",                 // five characters
            "06 12 34 56",           // nine digits
            "06 12 34 56 78 9",      // eleven digits
            "06 12 AB 56 78",        // letters
            "+33 06 12 34 56 78",    // trunk 0 kept after the country code
            "+33 6 12 34 56",        // too short after +33
            "+33 6 12 34 56 789",    // too long after +33
            "0033 06 12 34 56 78",
            "+0 123 456 789",
            "+123",
            "612345678",             // neither national nor international
    })
    void malformedNumbersAreRefused(String raw) {
        assertThat(PhoneNumber.parse(raw)).isEmpty();
    }

    @Test
    void maskedShowsOnlyCountryCodeAndLastTwoDigits() {
        PhoneNumber phone = PhoneNumber.parse("06 12 34 56 78").orElseThrow();
        assertThat(phone.masked()).isEqualTo("+33 * ** ** ** 78");
        assertThat(phone.masked()).doesNotContain("612345");
    }

    @Test
    void constructorAcceptsOnlyE164() {
        assertThat(new PhoneNumber("+33612345678").toString()).isEqualTo("+33612345678");
        assertThatThrownBy(() -> new PhoneNumber("0612345678")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PhoneNumber(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
