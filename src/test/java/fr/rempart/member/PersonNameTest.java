package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PersonNameTest {

    @Test
    void accentedHyphenatedNameMatchesItsUpperCaseSpelling() {
        assertThat(PersonName.parse("Lefèvre-Dupont").matchKey())
                .isEqualTo(PersonName.parse("LEFEVRE DUPONT").matchKey())
                .isEqualTo("LEFEVRE DUPONT");
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "D'Artagnan|D ARTAGNAN",
            "N’Diaye|N DIAYE",
            "Saint-Exupéry|SAINT EXUPERY",
            "  Hélène   Müller |HELENE MULLER",
            "St. Cyr|ST CYR",
    })
    void matchKeyIgnoresCaseAccentsHyphensAndApostrophes(String typed, String key) {
        assertThat(PersonName.matchKey(typed)).isEqualTo(key);
    }

    @Test
    void ligaturesMatchTheirSpelledOutForm() {
        // Civil-status and legacy ASCII files write "Cœur" as "COEUR" and "Lætitia" as "LAETITIA".
        assertThat(PersonName.parse("Cœur").matchKey()).isEqualTo(PersonName.parse("COEUR").matchKey());
        assertThat(PersonName.parse("Lætitia").matchKey()).isEqualTo(PersonName.parse("LAETITIA").matchKey());
    }

    @Test
    void nameIsTrimmedWithInnerSpacesCollapsed() {
        assertThat(PersonName.parse("  Jean    Pierre ").value()).isEqualTo("Jean Pierre");
    }

    @Test
    void decomposedAccentsAreStoredComposed() {
        PersonName name = PersonName.parse("Le\u0301a");
        assertThat(name.value()).isEqualTo("L\u00e9a");
        assertThat(name).isEqualTo(PersonName.parse("L\u00e9a"));
    }

    @Test
    void hundredCodePointsAreAcceptedAndOneMoreIsRefused() {
        assertThat(PersonName.valid("a".repeat(100))).isTrue();
        assertThat(PersonName.valid("a".repeat(101))).isFalse();
        assertThatThrownBy(() -> PersonName.parse("a".repeat(101))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lengthIsCountedInCodePointsNotUtf16Units() {
        String scriptA = new String(Character.toChars(0x1D49C)); // MATHEMATICAL SCRIPT CAPITAL A, a letter outside the BMP
        assertThat(scriptA.repeat(100)).hasSize(200);
        assertThat(PersonName.valid(scriptA.repeat(100))).isTrue();
        assertThat(PersonName.valid(scriptA.repeat(101))).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"Dupont2", "42", "Louis XIV 2", "-Dupont", "'Dupont", "Du<script>", "Dupont@", "   "})
    void digitsSymbolsAndBlankNamesAreRefused(String raw) {
        assertThat(PersonName.valid(raw)).isFalse();
        assertThatThrownBy(() -> PersonName.parse(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\" is accepted")
    @ValueSource(strings = {"Zoë", "Ñúñez", "O'Connor", "Jean-Baptiste", "Nguyễn", "Ødegaard", "Ἀλέξανδρος", "Mc.Donald"})
    void lettersFromAnyScriptAreAccepted(String raw) {
        assertThat(PersonName.valid(raw)).isTrue();
    }
}
