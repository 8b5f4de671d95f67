package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberNumberTest {

    @Test
    void typedNumberIsTrimmedAndUpperCased() {
        assertThat(MemberNumber.parse("  ab12cd34 ").value()).isEqualTo("AB12CD34");
        assertThat(MemberNumber.parse("ab12cd34").toString()).isEqualTo("AB12CD34");
    }

    @ParameterizedTest(name = "\"{0}\" is valid")
    @ValueSource(strings = {"ABC123", "123456", "abcdef", "AB12CD34EF56", " A1B2C3 "})
    void sixToTwelveLettersOrDigitsAreValid(String raw) {
        assertThat(MemberNumber.valid(raw)).isTrue();
        assertThat(MemberNumber.parse(raw).value()).matches("[A-Z0-9]{6,12}");
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"AB123", "AB12CD34EF567", "284058832102532", "AB-123", "AB 1234", "ÉLODIE1", "AB123_"})
    void otherShapesAreRefused(String raw) {
        assertThat(MemberNumber.valid(raw)).isFalse();
        assertThatThrownBy(() -> MemberNumber.parse(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNirIsNeverAMemberNumber() {
        assertThat(MemberNumber.valid("2 84 05 88 321 025 32")).isFalse();
        assertThat(MemberNumber.valid("284058832102532")).isFalse();
    }

    @Test
    void constructorAcceptsOnlyTheCanonicalForm() {
        assertThat(new MemberNumber("AB1234").value()).isEqualTo("AB1234");
        assertThatThrownBy(() -> new MemberNumber("ab1234")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemberNumber(" AB1234")).isInstanceOf(IllegalArgumentException.class);
    }
}
