package fr.rempart.breach;

import fr.rempart.member.Nir;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's members have valid, unique NIRs; its breach list has the shares asked for. */
class SyntheticDataTest {

    @Test
    void membersHaveValidUniqueNirsConsistentWithTheirSexAndBirthDate() {
        Set<String> nirs = new HashSet<>();
        java.util.List<String> wrong = new java.util.ArrayList<>();
        for (long i = 0; i < 50_000; i++) {
            SyntheticData.Person p = SyntheticData.member(i);
            if (Nir.problem(p.nir()).isPresent() || !nirs.add(p.nir())) {
                wrong.add(p.nir());
                continue;
            }
            Nir nir = Nir.parse(p.nir());
            if (nir.yearOfBirth2() != p.birthDate().getYear() % 100 || !nir.monthOfBirth().orElse(0).equals(p.birthDate().getMonthValue())) {
                wrong.add(p.nir() + " " + p.birthDate());
            }
        }
        assertThat(wrong).isEmpty();
        for (long i = 0; i < 10_000; i++) {
            if (nirs.contains(SyntheticData.stranger(i).nir())) {
                wrong.add(SyntheticData.stranger(i).nir());
            }
        }
        assertThat(wrong).as("strangers are never members").isEmpty();
    }

    @Test
    void theBreachListHasTheAskedSharesOfInvalidRowsStrangersAndMismatches() throws Exception {
        long members = 5_000;
        Map<String, SyntheticData.Person> byNir = new HashMap<>();
        for (long i = 0; i < members; i++) {
            SyntheticData.Person p = SyntheticData.member(i);
            byNir.put(p.nir(), p);
        }
        StringWriter list = new StringWriter();
        SyntheticData.writeBreachList(members, 4_000, 0.02, 0.05, 0.01, 7, list);
        int[] counts = new int[4]; // rejected, strangers, mismatches, matches
        Set<String> matched = new HashSet<>();
        new BreachListReader(Clock.systemDefaultZone()).read(new ByteArrayInputStream(list.toString().getBytes(StandardCharsets.UTF_8)),
                new BreachListReader.Rows() {
                    @Override
                    public void accepted(BreachListReader.Entry entry) {
                        SyntheticData.Person member = byNir.get(entry.nir().value());
                        if (member == null) {
                            counts[1]++;
                        } else if (!member.birthDate().equals(entry.birthDate())) {
                            counts[2]++;
                        } else {
                            counts[3]++;
                            assertThat(matched.add(entry.nir().value())).as("each member once").isTrue();
                        }
                    }

                    @Override
                    public void rejected(BreachListReader.Reject reject) {
                        counts[0]++;
                    }
                });
        assertThat(counts[0]).isBetween(40, 130);   // about 2 % of 4,000
        assertThat(counts[1]).isBetween(130, 280);  // about 5 %
        assertThat(counts[2]).isBetween(15, 75);    // about 1 %
        assertThat(counts[0] + counts[1] + counts[2] + counts[3]).isEqualTo(4_000);
    }
}
