package fr.rempart.breach;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The breach list as it may arrive: encodings, separators, headers, date forms, and every kind of bad row or file. */
class BreachListReaderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneId.of("Europe/Paris"));

    /** A valid NIR: the 13 digits and their key (97 minus the number modulo 97). */
    static String nir(String first13) {
        return first13 + String.format("%02d", 97 - Long.parseLong(first13) % 97);
    }

    private static final String CAMILLE = nir("2840575123456"); // woman, born May 1984
    private static final String PAUL = nir("1921275123456");    // man, born December 1992

    private record Result(List<BreachListReader.Entry> entries, List<BreachListReader.Reject> rejects, BreachListReader.Summary summary) {
    }

    private static Result read(byte[] file) {
        List<BreachListReader.Entry> entries = new ArrayList<>();
        List<BreachListReader.Reject> rejects = new ArrayList<>();
        BreachListReader.Summary summary = new BreachListReader(CLOCK).read(new ByteArrayInputStream(file), new BreachListReader.Rows() {
            @Override
            public void accepted(BreachListReader.Entry entry) {
                entries.add(entry);
            }

            @Override
            public void rejected(BreachListReader.Reject reject) {
                rejects.add(reject);
            }
        });
        return new Result(entries, rejects, summary);
    }

    @Test
    void utf8WithBomSemicolonsAHeaderAndFrenchDates() {
        String text = "\uFEFFnir;nom;prénom;date_naissance;sexe\r\n" + CAMILLE + ";Lefèvre-Dupont;Hélène;12/05/1984;F\r\n"
                + PAUL + ";N'Diaye;Paul;03/12/1992;M\r\n";
        Result r = read(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r.rejects()).isEmpty();
        assertThat(r.summary().header()).isTrue();
        assertThat(r.summary().format().bom()).isTrue();
        assertThat(r.summary().format().separator()).isEqualTo(';');
        assertThat(r.entries()).extracting(e -> e.lastName().value()).containsExactly("Lefèvre-Dupont", "N'Diaye");
        assertThat(r.entries().get(0).birthDate()).isEqualTo(LocalDate.of(1984, 5, 12));
        assertThat(r.entries().get(0).line()).isEqualTo(2);
    }

    @Test
    void latin1WithoutHeaderCommasAndIsoDates() {
        String text = CAMILLE + ",Lefèvre,Hélène,1984-05-12,2\n" + PAUL + ",Gaël,Noël,1992-12-03,1\n";
        Result r = read(text.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.rejects()).isEmpty();
        assertThat(r.summary().header()).isFalse();
        assertThat(r.summary().format().charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(r.entries()).extracting(e -> e.firstName().value()).containsExactly("Hélène", "Noël");
        assertThat(r.entries()).extracting(BreachListReader.Entry::line).containsExactly(1L, 2L);
    }

    @Test
    void everyBadRowIsRefusedWithItsLineAndReasonAndTheOthersGoOn() {
        String badKey = CAMILLE.substring(0, 13) + (CAMILLE.endsWith("00") ? "01" : "00");
        String text = String.join("\n",
                "nir;nom;prenom;date_naissance;sexe",
                badKey + ";Martin;Léa;12/05/1984;F",                                  // 2 NIR_KEY
                "12345;Martin;Léa;12/05/1984;F",                                       // 3 NIR_FORMAT
                CAMILLE + ";Martin;Léa;12/05/1984;F" + ";x".repeat(35),                // 4 COLUMNS (40 columns)
                CAMILLE + ";Martin;Léa;12/05/2030;F",                                  // 5 BIRTH_DATE_FUTURE
                CAMILLE + ";Martin;Léa;31/02/1984;F",                                  // 6 BIRTH_DATE
                CAMILLE + ";Martin;Léa;12/05/1984;M",                                  // 7 NIR_SEX
                CAMILLE + ";Martin;Léa;12/06/1984;F",                                  // 8 NIR_BIRTH
                CAMILLE + ";;Léa;12/05/1984;F",                                        // 9 LAST_NAME
                CAMILLE + ";Martin;<script>;12/05/1984;F",                             // 10 FIRST_NAME
                CAMILLE + ";Martin;Léa;12/05/1984;X",                                  // 11 SEX
                CAMILLE + ";Martin;Léa;12/05/1984;F") + "\n";                           // 12 fine
        Result r = read(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r.rejects()).extracting(BreachListReader.Reject::line, BreachListReader.Reject::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "NIR_KEY"), org.assertj.core.groups.Tuple.tuple(3L, "NIR_FORMAT"),
                org.assertj.core.groups.Tuple.tuple(4L, "COLUMNS"), org.assertj.core.groups.Tuple.tuple(5L, "BIRTH_DATE_FUTURE"),
                org.assertj.core.groups.Tuple.tuple(6L, "BIRTH_DATE"), org.assertj.core.groups.Tuple.tuple(7L, "NIR_SEX"),
                org.assertj.core.groups.Tuple.tuple(8L, "NIR_BIRTH"), org.assertj.core.groups.Tuple.tuple(9L, "LAST_NAME"),
                org.assertj.core.groups.Tuple.tuple(10L, "FIRST_NAME"), org.assertj.core.groups.Tuple.tuple(11L, "SEX"));
        assertThat(r.entries()).extracting(BreachListReader.Entry::line).containsExactly(12L);
        assertThat(r.summary().rows()).isEqualTo(11);
        assertThat(r.summary().rejected()).isEqualTo(10);
    }

    @Test
    void aFileThatIsNotAListIsRefusedAsAWhole() {
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOfSatisfying(BreachListReader.UnreadableFile.class,
                e -> assertThat(e.code()).isEqualTo("EMPTY"));
        assertThatThrownBy(() -> read("\uFEFF \r\n".getBytes(StandardCharsets.UTF_8))).hasMessage("EMPTY");
        byte[] zip = {0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00};
        assertThatThrownBy(() -> read(zip)).hasMessage("BINARY");
        assertThatThrownBy(() -> read((CAMILLE + "\tMartin\tLéa\t12/05/1984\tF\n").getBytes(StandardCharsets.UTF_8))).hasMessage("SEPARATOR");
    }

    @Test
    void bytesThatAreNotTextInTheFilesEncodingRefuseTheirRowOnly() {
        byte[] head = (CAMILLE + ";Martin;Léa;12/05/1984;F\n").getBytes(StandardCharsets.UTF_8);
        byte[] padding = (CAMILLE + ";Martin;Léa;12/05/1984;F\n").repeat(3000).getBytes(StandardCharsets.UTF_8); // beyond the 64 KiB sample
        byte[] broken = (CAMILLE + ";Mart\u00e9n;Léa;12/05/1984;F\n").getBytes(StandardCharsets.ISO_8859_1); // a Latin-1 é in a UTF-8 file
        byte[] file = new byte[head.length + padding.length + broken.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(padding, 0, file, head.length, padding.length);
        System.arraycopy(broken, 0, file, head.length + padding.length, broken.length);
        Result r = read(file);
        assertThat(r.summary().format().charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(r.rejects()).singleElement().satisfies(j -> {
            assertThat(j.code()).isEqualTo("LAST_NAME");
            assertThat(j.line()).isEqualTo(3002);
        });
    }

    @Test
    void aMillionRowsStreamThroughWithoutBeingHeld() {
        byte[] row = (CAMILLE + ";Martin;Léa;12/05/1984;F\n").getBytes(StandardCharsets.UTF_8);
        long rows = 1_000_000;
        InputStream generated = new InputStream() {
            private long position;

            @Override
            public int read() {
                if (position >= rows * row.length) {
                    return -1;
                }
                return row[(int) (position++ % row.length)] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len) {
                    int c = read();
                    if (c < 0) {
                        return n == 0 ? -1 : n;
                    }
                    b[off + n++] = (byte) c;
                }
                return n;
            }
        };
        long[] counted = new long[1];
        BreachListReader.Summary summary = new BreachListReader(CLOCK).read(generated, new BreachListReader.Rows() {
            @Override
            public void accepted(BreachListReader.Entry entry) {
                counted[0]++;
            }

            @Override
            public void rejected(BreachListReader.Reject reject) {
                throw new AssertionError(reject.toString());
            }
        });
        assertThat(summary.accepted()).isEqualTo(rows);
        assertThat(counted[0]).isEqualTo(rows);
    }
}
