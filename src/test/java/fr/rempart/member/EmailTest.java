package fr.rempart.member;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailTest {

    @Test
    void internationalisedDomainIsConvertedToAsciiAndLowerCased() {
        Email email = Email.parse("Jean.Dupont@Café.FR");
        assertThat(email.value()).isEqualTo("Jean.Dupont@xn--caf-dma.fr");
    }

    @Test
    void asciiDomainIsLowerCasedButLocalPartKeptAsTyped() {
        Email email = Email.parse("  Jean.Dupont@Exemple.FR ");
        assertThat(email.value()).isEqualTo("Jean.Dupont@exemple.fr");
        assertThat(email.localPart()).isEqualTo("Jean.Dupont");
    }

    @Test
    void keyIsTheWholeAddressInLowerCase() {
        assertThat(Email.parse("Jean.Dupont@Exemple.FR").key()).isEqualTo("jean.dupont@exemple.fr");
        assertThat(Email.parse("JEAN.DUPONT@exemple.fr").key()).isEqualTo(Email.parse("jean.dupont@EXEMPLE.fr").key());
        assertThat(Email.parse("Marie@Café.fr").key()).isEqualTo("marie@xn--caf-dma.fr");
    }

    @ParameterizedTest(name = "\"{0}\" is valid")
    @ValueSource(strings = {"a@b.fr", "prenom.nom+mutuelle@exemple.co.uk", "o'connor@exemple.ie", "x_y-z@sous-domaine.exemple.fr"})
    void ordinaryAddressesAreValid(String raw) {
        assertThat(Email.valid(raw)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"plainaddress", "@exemple.fr", "jean@", "jean@exemple", "jean..dupont@exemple.fr", ".jean@exemple.fr",
            "jean.@exemple.fr", "jean dupont@exemple.fr", "jean@-exemple.fr", "jean@exemple-.fr", "a@b@exemple.fr"})
    void malformedAddressesAreRefused(String raw) {
        assertThat(Email.valid(raw)).isFalse();
        assertThatThrownBy(() -> Email.parse(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void localPartLongerThan64IsRefused() {
        assertThat(Email.valid("a".repeat(64) + "@exemple.fr")).isTrue();
        assertThat(Email.valid("a".repeat(65) + "@exemple.fr")).isFalse();
    }

    @Test
    void addressLongerThan254IsRefused() {
        String domain = ("a".repeat(60) + ".").repeat(3) + "fr"; // 185 characters
        String local = "b".repeat(64);
        assertThat(local + "@" + domain).hasSize(250);
        assertThat(Email.valid(local + "@" + domain)).isTrue();
        String longer = local + "@" + "c".repeat(5) + "." + domain; // 256 characters
        assertThat(Email.valid(longer)).isFalse();
    }
}
