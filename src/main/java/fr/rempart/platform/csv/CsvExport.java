package fr.rempart.platform.csv;

import de.siegmar.fastcsv.writer.CsvWriter;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Every CSV Rempart writes for people (the at-risk export, a breach job's rejects and review, the
 * print shop's letter manifest): FastCSV with {@code ;} (what Excel expects in French locales),
 * quoting where RFC 4180 needs it, a UTF-8 byte order mark (without it Excel reads the file as
 * Windows-1252 and garbles the accents), and each cell that a spreadsheet would take for a formula
 * neutralised (OWASP "CSV injection": a leading {@code = + - @}, tab or carriage return gets a
 * {@code '} in front). One writer for all, so no export can forget either.
 */
public final class CsvExport implements Flushable {

    /** U+FEFF, written first: three bytes EF BB BF in UTF-8. */
    static final char BOM = '\uFEFF';

    private final CsvWriter csv;

    private CsvExport(Writer writer) throws IOException {
        writer.write(BOM);
        this.csv = CsvWriter.builder().fieldSeparator(';').build(writer);
    }

    /** A CSV export onto a stream, in UTF-8; the caller closes the stream. */
    public static CsvExport to(OutputStream out) throws IOException {
        return new CsvExport(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    /** A CSV export onto a writer that encodes UTF-8 (the byte order mark is a character here); the caller closes it. */
    public static CsvExport to(Writer writer) throws IOException {
        return new CsvExport(writer);
    }

    /** One record, each cell neutralised; a null cell is empty. */
    public CsvExport row(String... cells) {
        String[] safe = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            safe[i] = neutralise(cells[i]);
        }
        csv.writeRecord(safe);
        return this;
    }

    /** Writes what is buffered through to the stream or writer (without closing it). */
    @Override
    public void flush() throws IOException {
        csv.flush();
    }

    /**
     * A cell a spreadsheet shows as text: one starting with {@code = + - @}, a tab or a carriage
     * return gets a leading {@code '} (which Excel and LibreOffice hide), whatever follows — a
     * {@code -5} included, since no export holds negative numbers and a sign is how
     * {@code -2+3+cmd|' /C calc'!A0} starts.
     */
    public static String neutralise(String cell) {
        if (cell == null || cell.isEmpty()) {
            return "";
        }
        return "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }
}
