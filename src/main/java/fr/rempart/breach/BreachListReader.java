package fr.rempart.breach;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import fr.rempart.member.BirthDates;
import fr.rempart.member.Nir;
import fr.rempart.member.PersonName;
import fr.rempart.member.Sex;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the list of affected people as the national insurer sends it: {@code nir;nom;prenom;
 * date_naissance;sexe}, separated by {@code ;} or {@code ,}, UTF-8 with or without BOM or
 * ISO-8859-1, dates {@code JJ/MM/AAAA} or ISO, with or without a header. Streamed: one row at a
 * time goes to the caller, whatever the file's size. Each row is checked on its own — NIR key,
 * NIR against sex and birth month and year, names, dates — and refused with its line number and a
 * stable reason code; a file that is not such a list at all (empty, binary, another separator) is
 * refused as a whole before any row is handed out.
 */
public final class BreachListReader {

    /** A row that passed every check. */
    public record Entry(long line, Nir nir, PersonName lastName, PersonName firstName, LocalDate birthDate, Sex sex) {
    }

    /** A refused row: its line, a stable code (see {@code breach.reject.*} messages) and the column concerned. */
    public record Reject(long line, String code, String column) {
    }

    /** What the file is, decided from its first bytes. */
    public record Format(Charset charset, char separator, boolean bom) {
    }

    /** The whole file refused: {@code code} is EMPTY, BINARY or SEPARATOR. */
    public static final class UnreadableFile extends RuntimeException {
        private final String code;

        public UnreadableFile(String code) {
            super(code, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Receives each row in order. */
    public interface Rows {
        void accepted(Entry entry);

        void rejected(Reject reject);
    }

    /** The counts once the file is read; {@code stoppedAtLine} is set when the file could not be read to its end. */
    public record Summary(long rows, long accepted, long rejected, boolean header, Format format, Long stoppedAtLine) {
    }

    static final int SAMPLE = 64 * 1024;
    static final int MAX_RECORD = 64 * 1024;
    private static final List<String> HEADER = List.of("nir", "nom", "prenom", "date_naissance", "sexe");

    private final Clock clock;

    public BreachListReader(Clock clock) {
        this.clock = clock;
    }

    public Summary read(InputStream raw, Rows rows) {
        BufferedInputStream in = new BufferedInputStream(raw, SAMPLE);
        Format format = detect(in);
        CharsetDecoder decoder = format.charset().newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CsvReader<CsvRecord> csv = CsvReader.builder().fieldSeparator(format.separator()).detectBomHeader(false).skipEmptyLines(true)
                .allowExtraFields(true).allowMissingFields(true).maxBufferSize(MAX_RECORD).ofCsvRecord(new InputStreamReader(in, decoder));
        long count = 0;
        long accepted = 0;
        boolean header = false;
        LocalDate today = LocalDate.now(clock);
        try {
            for (CsvRecord record : csv) {
                List<String> fields = record.getFields();
                if (count == 0 && !header && isHeader(fields)) {
                    header = true;
                    continue;
                }
                count++;
                Object outcome = check(record.getStartingLineNumber(), fields, today);
                if (outcome instanceof Entry entry) {
                    accepted++;
                    rows.accepted(entry);
                } else {
                    rows.rejected((Reject) outcome);
                }
            }
        } catch (CsvParseException | UncheckedIOException e) {
            return new Summary(count, accepted, count - accepted, header, format, count + (header ? 2 : 1));
        }
        return new Summary(count, accepted, count - accepted, header, format, null);
    }

    /** Charset, separator and BOM from the first 64 KiB, which are put back for the parser. */
    static Format detect(BufferedInputStream in) {
        byte[] sample;
        try {
            in.mark(SAMPLE);
            sample = in.readNBytes(SAMPLE);
            in.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean bom = sample.length >= 3 && (sample[0] & 0xff) == 0xEF && (sample[1] & 0xff) == 0xBB && (sample[2] & 0xff) == 0xBF;
        if (bom) {
            try {
                in.skipNBytes(3);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] body = bom ? Arrays.copyOfRange(sample, 3, sample.length) : sample;
        if (new String(body, StandardCharsets.ISO_8859_1).isBlank()) {
            throw new UnreadableFile("EMPTY");
        }
        int control = 0;
        for (byte b : body) {
            if (b == 0) {
                throw new UnreadableFile("BINARY");
            }
            if ((b & 0xff) < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                control++;
            }
        }
        if (control > body.length / 100) {
            throw new UnreadableFile("BINARY");
        }
        Charset charset = bom || utf8(body) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        String firstLine = new String(body, charset).lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        long semicolons = firstLine.chars().filter(c -> c == ';').count();
        long commas = firstLine.chars().filter(c -> c == ',').count();
        if (semicolons == 0 && commas == 0) {
            throw new UnreadableFile("SEPARATOR");
        }
        return new Format(charset, semicolons >= commas ? ';' : ',', bom);
    }

    /** Valid UTF-8, allowing the sample to end in the middle of a character. */
    private static boolean utf8(byte[] sample) {
        int end = sample.length;
        int back = 0;
        while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xC0) == 0x80) {
            back++;
        }
        if (end - back - 1 >= 0 && (sample[end - back - 1] & 0xC0) == 0xC0) {
            end = end - back - 1; // a character cut by the sample's end
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(sample, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean isHeader(List<String> fields) {
        return !fields.isEmpty() && "nir".equals(headerKey(fields.get(0)));
    }

    static String headerKey(String raw) {
        return java.text.Normalizer.normalize(raw.strip().toLowerCase(Locale.ROOT), java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace(' ', '_').replace('-', '_');
    }

    /** The row's entry, or the first reason to refuse it. */
    Object check(long line, List<String> fields, LocalDate today) {
        if (fields.size() != HEADER.size()) {
            return new Reject(line, "COLUMNS", null);
        }
        String nirText = fields.get(0).replace(" ", "").strip();
        Optional<Nir.Problem> nirProblem = Nir.problem(nirText);
        if (nirProblem.isPresent()) {
            return new Reject(line, nirProblem.get() == Nir.Problem.KEY ? "NIR_KEY" : "NIR_FORMAT", "nir");
        }
        Nir nir = Nir.parse(nirText);
        Optional<PersonName> last = name(fields.get(1));
        if (last.isEmpty()) {
            return new Reject(line, "LAST_NAME", "nom");
        }
        Optional<PersonName> first = name(fields.get(2));
        if (first.isEmpty()) {
            return new Reject(line, "FIRST_NAME", "prenom");
        }
        Optional<LocalDate> birth = BirthDates.parse(fields.get(3));
        if (birth.isEmpty()) {
            return new Reject(line, "BIRTH_DATE", "date_naissance");
        }
        if (birth.get().isAfter(today)) {
            return new Reject(line, "BIRTH_DATE_FUTURE", "date_naissance");
        }
        if (birth.get().isBefore(BirthDates.EARLIEST)) {
            return new Reject(line, "BIRTH_DATE_TOO_OLD", "date_naissance");
        }
        Optional<Sex> sex = Sex.parse(fields.get(4));
        if (sex.isEmpty()) {
            return new Reject(line, "SEX", "sexe");
        }
        if (!sex.get().agreesWith(nir)) {
            return new Reject(line, "NIR_SEX", "sexe");
        }
        if (nir.yearOfBirth2() != birth.get().getYear() % 100 || nir.monthOfBirth().map(m -> m != birth.get().getMonthValue()).orElse(false)) {
            return new Reject(line, "NIR_BIRTH", "date_naissance");
        }
        return new Entry(line, nir, last.get(), first.get(), birth.get(), sex.get());
    }

    /** A name as PersonName takes it; a replacement character means bytes that were not text in the file's encoding. */
    private static Optional<PersonName> name(String raw) {
        if (raw == null || raw.indexOf('\uFFFD') >= 0 || !PersonName.valid(raw)) {
            return Optional.empty();
        }
        return Optional.of(PersonName.parse(raw));
    }
}
