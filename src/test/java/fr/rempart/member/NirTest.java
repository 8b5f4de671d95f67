package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NirTest {

    /** The reference key, computed here independently of {@link Nir}: 97 − (N mod 97), 2A → 19, 2B → 18. */
    private static String withKey(String first13) {
        String digits = first13.replace("2A", "19").replace("2B", "18");
        int key = 97 - new BigInteger(digits).mod(BigInteger.valueOf(97)).intValueExact();
        return first13 + String.format("%02d", key);
    }

    @ParameterizedTest(name = "{0} ({1}) is valid")
    @CsvSource({
            "255081416802538, woman born in 1955",
            "284058832102532, woman born in 1984",
            "284052A32102552, Corsica 2A",
            "284052B32102579, Corsica 2B",
            "295109912611193, born abroad",
            "253072A07300443, 2A",
            "253072B07300470, 2B",
    })
    void referenceNumbersAreValid(String number, String why) {
        assertThat(Nir.problem(number)).isEmpty();
        assertThat(Nir.parse(number).value()).isEqualTo(number);
    }

    @Test
    void nirWithWrongKeyIsRefusedWithKeyProblem() {
        assertThat(Nir.problem("255081416802500")).contains(Nir.Problem.KEY);
        assertThatThrownBy(() -> Nir.parse("255081416802500"))
                .isInstanceOfSatisfying(Nir.InvalidNirException.class, e -> assertThat(e.problem()).isEqualTo(Nir.Problem.KEY));
    }

    @Test
    void waitingNumberWithSexDigit8IsRefusedAsFormatEvenWithACorrectKey() {
        assertThat(withKey("8840588321025")).isEqualTo("884058832102523");
        assertThat(Nir.problem("884058832102523")).contains(Nir.Problem.FORMAT);
        assertThatThrownBy(() -> Nir.parse("884058832102523"))
                .isInstanceOfSatisfying(Nir.InvalidNirException.class, e -> assertThat(e.problem()).isEqualTo(Nir.Problem.FORMAT));
    }

    @ParameterizedTest(name = "sex digit {0} is refused")
    @ValueSource(strings = {"0", "5", "6", "7", "8", "9"})
    void sexDigitsOtherThan1To4AreRefusedAsFormat(String sexDigit) {
        assertThat(Nir.problem(withKey(sexDigit + "840588321025"))).contains(Nir.Problem.FORMAT);
    }

    @ParameterizedTest(name = "sex digit {0} is a temporary number, accepted")
    @ValueSource(strings = {"3", "4"})
    void temporaryNumbersWithSexDigit3Or4AreAcceptedAndNoted(String sexDigit) {
        Nir nir = Nir.parse(withKey(sexDigit + "840588321025"));
        assertThat(nir.temporary()).isTrue();
        assertThat(nir.sexDigit()).isEqualTo(sexDigit.charAt(0));
    }

    @Test
    void ordinaryNumbersAreNotTemporary() {
        assertThat(Nir.parse("255081416802538").temporary()).isFalse();
        assertThat(Nir.parse("284058832102532").temporary()).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "2 84 05 88 321 025 32",
            "2.84.05.88.321.025.32",
            "2-84-05-88-321-025-32",
            " 2 84.05-88 321\t025 32 ",
    })
    void spacesDotsAndDashesAreStripped(String typed) {
        assertThat(Nir.problem(typed)).isEmpty();
        assertThat(Nir.parse(typed).value()).isEqualTo("284058832102532");
        assertThat(Nir.parse(typed)).isEqualTo(Nir.parse("284058832102532"));
    }

    @Test
    void lowercaseCorsicanDepartementIsAccepted() {
        Nir nir = Nir.parse("284052a32102552");
        assertThat(nir.value()).isEqualTo("284052A32102552");
        assertThat(nir.corsica()).isTrue();
        assertThat(Nir.parse("2 84 05 2b 321 025 79").value()).isEqualTo("284052B32102579");
    }

    @Test
    void maskedShowsSexYearMonthAndKeyOnly() {
        assertThat(Nir.parse("284058832102532").masked()).isEqualTo("2 84 05 ** *** *** 32");
    }

    @Test
    void toStringNeverContainsTheWholeNumber() {
        Nir nir = Nir.parse("2 84 05 88 321 025 32");
        assertThat(nir.toString())
                .doesNotContain("284058832102532")
                .doesNotContain("8832102")
                .isEqualTo("2 84 05 ** *** *** 32");
    }

    @Test
    void refusalMessageDoesNotEchoTheNumber() {
        assertThatThrownBy(() -> Nir.parse("255081416802500"))
                .message().doesNotContain("2550814168025").doesNotContain("16802");
    }

    @ParameterizedTest(name = "month {0}")
    @ValueSource(strings = {"20", "31", "42", "50", "63", "99"})
    void incompleteRecordMonthsAreAcceptedWithoutMonthOfBirth(String month) {
        Nir nir = Nir.parse(withKey("284" + month + "88321025"));
        assertThat(nir.monthOfBirth()).isEmpty();
        assertThat(nir.yearOfBirth2()).isEqualTo(84);
    }

    @ParameterizedTest(name = "month {0}")
    @ValueSource(strings = {"01", "05", "12"})
    void realMonthsAreReported(String month) {
        assertThat(Nir.parse(withKey("284" + month + "88321025")).monthOfBirth()).contains(Integer.parseInt(month));
    }

    @ParameterizedTest(name = "month {0} is refused")
    @ValueSource(strings = {"00", "13", "19", "43", "49"})
    void impossibleMonthsAreRefusedAsFormat(String month) {
        assertThat(Nir.problem(withKey("284" + month + "88321025"))).contains(Nir.Problem.FORMAT);
    }

    @Test
    void orderNumber000IsRefused() {
        assertThat(Nir.problem(withKey("2840588321000"))).contains(Nir.Problem.FORMAT);
        assertThat(Nir.problem(withKey("2840588321001"))).isEmpty();
        assertThat(Nir.problem(withKey("2840588321999"))).isEmpty();
    }

    @ParameterizedTest(name = "département {0} is refused")
    @ValueSource(strings = {"00", "96", "2C", "AA"})
    void impossibleDepartementsAreRefused(String departement) {
        String first13 = "28405" + departement + "321025";
        String key = departement.chars().allMatch(Character::isDigit) ? withKey(first13).substring(13) : "01";
        assertThat(Nir.problem(first13 + key)).contains(Nir.Problem.FORMAT);
    }

    @ParameterizedTest(name = "département {0} is accepted")
    @ValueSource(strings = {"01", "20", "75", "95", "97", "98", "99"})
    void possibleDepartementsAreAccepted(String departement) {
        assertThat(Nir.problem(withKey("28405" + departement + "321025"))).isEmpty();
    }

    @Test
    void bornAbroadIsDepartement99() {
        assertThat(Nir.parse("295109912611193").bornAbroad()).isTrue();
        assertThat(Nir.parse("284058832102532").bornAbroad()).isFalse();
    }

    @Test
    void keyReadsCorsica2AAs19And2BAs18() {
        assertThat(Nir.key("284052A321025")).isEqualTo(Nir.key("2840519321025")).isEqualTo(52);
        assertThat(Nir.key("284052B321025")).isEqualTo(Nir.key("2840518321025")).isEqualTo(79);
        assertThat(Nir.key("2840588321025")).isEqualTo(32);
    }

    @Test
    void corsicanNumberWithKeyComputedAsIfDigitsIsRefusedWithKeyProblem() {
        // 2A read as 20 (the pre-1976 département) gives another key: that key must not pass for a 2A number.
        String wrong = "284052A321025" + withKey("2840520321025").substring(13);
        assertThat(Nir.problem(wrong)).contains(Nir.Problem.KEY);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"28405883210253", "2840588321025320", "2840588321025X2", "284058832102532 extra", "   "})
    void malformedInputIsRefusedAsFormat(String raw) {
        assertThat(Nir.problem(raw)).contains(Nir.Problem.FORMAT);
        assertThatThrownBy(() -> Nir.parse(raw)).isInstanceOf(Nir.InvalidNirException.class);
    }

    @Test
    void keyZeroIsNeverValid() {
        // 97 − (N mod 97) is 01–97: a key 00 is always a key problem.
        assertThat(Nir.problem("284058832102500")).contains(Nir.Problem.KEY);
    }
}
