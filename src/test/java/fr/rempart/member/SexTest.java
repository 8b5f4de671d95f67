package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SexTest {

    @ParameterizedTest(name = "\"{0}\" is a man")
    @ValueSource(strings = {"M", "H", "1", "m", "h", " M ", "homme", "MALE"})
    void manIsMOrHOr1(String raw) {
        assertThat(Sex.parse(raw)).contains(Sex.MALE);
    }

    @ParameterizedTest(name = "\"{0}\" is a woman")
    @ValueSource(strings = {"F", "2", "f", " f ", "femme", "Female"})
    void womanIsFOr2(String raw) {
        assertThat(Sex.parse(raw)).contains(Sex.FEMALE);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"X", "3", "4", "0", "MF", "W"})
    void anythingElseIsRefused(String raw) {
        assertThat(Sex.parse(raw)).isEmpty();
    }

    @Test
    void codesAreMAndF() {
        assertThat(Sex.MALE.code()).isEqualTo('M');
        assertThat(Sex.FEMALE.code()).isEqualTo('F');
        assertThat(Sex.ofCode('M')).isEqualTo(Sex.MALE);
        assertThat(Sex.ofCode('F')).isEqualTo(Sex.FEMALE);
    }

    @Test
    void manAgreesWithNirDigits1And3Only() {
        assertThat(Sex.MALE.agreesWith(Nir.parse(withSexDigit('1')))).isTrue();
        assertThat(Sex.MALE.agreesWith(Nir.parse(withSexDigit('3')))).isTrue();
        assertThat(Sex.MALE.agreesWith(Nir.parse("284058832102532"))).isFalse();
        assertThat(Sex.MALE.agreesWith(Nir.parse(withSexDigit('4')))).isFalse();
    }

    @Test
    void womanAgreesWithNirDigits2And4Only() {
        assertThat(Sex.FEMALE.agreesWith(Nir.parse("284058832102532"))).isTrue();
        assertThat(Sex.FEMALE.agreesWith(Nir.parse(withSexDigit('4')))).isTrue();
        assertThat(Sex.FEMALE.agreesWith(Nir.parse(withSexDigit('1')))).isFalse();
        assertThat(Sex.FEMALE.agreesWith(Nir.parse(withSexDigit('3')))).isFalse();
    }

    /** 284058832102532 with another sex digit, key recomputed. */
    private static String withSexDigit(char sexDigit) {
        String first13 = sexDigit + "840588321025";
        long key = 97 - Long.parseLong(first13) % 97;
        return first13 + String.format("%02d", key);
    }
}
