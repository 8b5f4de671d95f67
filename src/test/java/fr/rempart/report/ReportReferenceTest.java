package fr.rempart.report;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportReferenceTest {

    @Test
    void aNewReferenceReadsSigThenFourFourAndItsCheckCharacter() {
        ReportReference reference = ReportReference.random();
        assertThat(reference.value()).matches("SIG-[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]");
        assertThat(ReportReference.parse(reference.value())).contains(reference);
    }

    @Test
    void caseSpacesDashesAndThePrefixDoNotMatter() {
        ReportReference reference = ReportReference.random(new Random(7));
        String raw = reference.value().substring(4).replace("-", "");
        assertThat(ReportReference.parse(raw.toLowerCase())).contains(reference);
        assertThat(ReportReference.parse(" sig " + raw.substring(0, 4) + " " + raw.substring(4))).contains(reference);
    }

    @Test
    void everySingleWrongCharacterIsRefusedAndNearlyEverySwapOfNeighbours() {
        Random random = new Random(42);
        int swaps = 0;
        int caught = 0;
        for (int n = 0; n < 200; n++) {
            String raw = ReportReference.random(random).value().replace("SIG-", "").replace("-", "");
            for (int i = 0; i < raw.length(); i++) {
                for (char c : ReportReference.ALPHABET.toCharArray()) {
                    if (c != raw.charAt(i)) {
                        String typo = raw.substring(0, i) + c + raw.substring(i + 1);
                        assertThat(ReportReference.parse(typo)).as(typo).isEmpty();
                    }
                }
                if (i + 1 < raw.length() && raw.charAt(i) != raw.charAt(i + 1)) {
                    swaps++;
                    if (ReportReference.parse(raw.substring(0, i) + raw.charAt(i + 1) + raw.charAt(i) + raw.substring(i + 2)).isEmpty()) {
                        caught++;
                    }
                }
            }
        }
        assertThat((double) caught / swaps).isGreaterThan(0.9);
    }

    @Test
    void lookAlikesWrongLengthsAndOtherPrefixesAreRefused() {
        assertThat(ReportReference.parse(null)).isEmpty();
        assertThat(ReportReference.parse("")).isEmpty();
        assertThat(ReportReference.parse("SIG-7K2Q-M9XD")).isEmpty();
        assertThat(ReportReference.parse("SIG-OK2Q-M9XD-C")).isEmpty(); // O is not in the alphabet
        assertThat(ReportReference.parse("INC-7K2Q-M9XD-C")).isEmpty();
        assertThatThrownBy(() -> new ReportReference("sig-7k2q-m9xd-c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void referencesAreDrawnAtRandom() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ReportReference.random().value());
        }
        assertThat(seen).hasSizeGreaterThan(9_990);
    }
}
