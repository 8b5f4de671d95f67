package fr.rempart.signin.staff;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UsernameTest {

    @ParameterizedTest
    @ValueSource(strings = {"agent", "c.durand", "J.Martin", " admin ", "a1", "jean-pierre_2"})
    void acceptedNamesAreKeptInLowerCase(String raw) {
        assertThat(Username.valid(raw)).isTrue();
        assertThat(Username.parse(raw).value()).isEqualTo(raw.strip().toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "1agent", ".agent", "c durand", "agent@mutuelle.example", "élodie", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void otherNamesAreRefused(String raw) {
        assertThat(Username.valid(raw)).isFalse();
    }

    @Test
    void nullIsNoName() {
        assertThat(Username.valid(null)).isFalse();
        assertThat(Username.canonical(null)).isEmpty();
    }
}
