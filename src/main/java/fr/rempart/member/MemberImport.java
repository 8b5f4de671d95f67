package fr.rempart.member;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streamed CSV import of members. The file is read row by row and written in batches, so memory
 * stays flat whatever its size; each row is validated on its own and a refused row is reported
 * (line, column, reason) without stopping the others. Columns are named by a header line
 * (English or French names), separated by {@code ;} or {@code ,}; UTF-8, with or without BOM.
 */
@ApplicationScoped
public class MemberImport {

    /** At most this many rejects are listed in the report; the counts are always complete. */
    public static final int MAX_LISTED_REJECTS = 1000;

    public record Report(long read, int created, int updated, long rejected, List<MemberService.Reject> rejects,
                         boolean rejectsTruncated, String stoppedAt) {
    }

    /** Header names accepted for each form field. */
    private static final Map<String, String> COLUMNS = columns();

    private MemberService members;
    private FormValidator validator;
    private AuditTrail audit;
    private int batchSize;

    protected MemberImport() {
    }

    @Inject
    public MemberImport(MemberService members, FormValidator validator, AuditTrail audit, Settings settings) {
        this.members = members;
        this.validator = validator;
        this.audit = audit;
        this.batchSize = settings.importBatchSize();
    }

    public Report run(InputStream body, Actor actor, Locale locale) {
        BufferedInputStream in = new BufferedInputStream(body, 1 << 16);
        char separator = detectSeparator(in);
        CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(separator).detectBomHeader(true).skipEmptyLines(true)
                .allowExtraFields(true).allowMissingFields(true).maxBufferSize(1 << 20).ofCsvRecord(in, StandardCharsets.UTF_8);
        var rows = reader.iterator();
        if (!rows.hasNext()) {
            throw new InvalidInputException(List.of(new FieldError("header", "missing", Messages.get(locale, "import.header-missing"))));
        }
        CsvRecord headerRecord = rows.next();
        List<String> header = headerRecord.getFields().stream().map(MemberImport::headerKey).toList();
        String[] fields = header(header, headerRecord.getFields(), locale);

        long read = 0;
        long rejected = 0;
        int created = 0;
        int updated = 0;
        List<MemberService.Reject> listed = new ArrayList<>();
        List<MemberService.Numbered> batch = new ArrayList<>(batchSize);
        String stoppedAt = null;
        try {
            while (rows.hasNext()) {
                CsvRecord record = rows.next();
                read++;
                List<MemberService.Reject> problems = new ArrayList<>();
                MemberForm form = form(record, fields, headerRecord.getFields(), locale, problems);
                if (form != null) {
                    for (FieldError e : validator.violations(form, locale)) {
                        problems.add(new MemberService.Reject(record.getStartingLineNumber(), column(e.field(), fields, headerRecord.getFields()), e.code(), e.message()));
                    }
                }
                if (problems.isEmpty()) {
                    batch.add(new MemberService.Numbered(record.getStartingLineNumber(), form));
                } else {
                    rejected++;
                    addListed(listed, problems);
                }
                if (batch.size() >= batchSize) {
                    MemberService.BatchOutcome outcome = members.saveBatch(batch, locale);
                    created += outcome.created();
                    updated += outcome.updated();
                    rejected += outcome.rejects().size();
                    addListed(listed, outcome.rejects());
                    batch.clear();
                }
            }
        } catch (CsvParseException | UncheckedIOException e) {
            stoppedAt = Messages.get(locale, "import.stopped", read + 1);
        }
        if (!batch.isEmpty()) {
            MemberService.BatchOutcome outcome = members.saveBatch(batch, locale);
            created += outcome.created();
            updated += outcome.updated();
            rejected += outcome.rejects().size();
            addListed(listed, outcome.rejects());
        }
        audit.record(actor, "member.import", null, null,
                "read=" + read + " created=" + created + " updated=" + updated + " rejected=" + rejected + (stoppedAt == null ? "" : " stopped"));
        return new Report(read, created, updated, rejected, listed, rejected > listed.size() && listed.size() >= MAX_LISTED_REJECTS, stoppedAt);
    }

    private static void addListed(List<MemberService.Reject> listed, List<MemberService.Reject> more) {
        for (MemberService.Reject r : more) {
            if (listed.size() < MAX_LISTED_REJECTS) {
                listed.add(r);
            }
        }
    }

    /** The form field of each column, refusing a header with unknown or missing columns before anything is read. */
    private static String[] header(List<String> keys, List<String> raw, Locale locale) {
        String[] fields = new String[keys.size()];
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            fields[i] = COLUMNS.get(keys.get(i));
            if (fields[i] == null) {
                errors.add(new FieldError(raw.get(i), "unknown-column", Messages.get(locale, "import.unknown-column")));
            }
        }
        for (String required : List.of("memberNumber", "nir", "lastName", "firstName", "birthDate", "sex")) {
            if (!java.util.Arrays.asList(fields).contains(required)) {
                errors.add(new FieldError(required, "missing-column", Messages.get(locale, "import.missing-column")));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return fields;
    }

    private static MemberForm form(CsvRecord record, String[] fields, List<String> header, Locale locale, List<MemberService.Reject> problems) {
        if (record.getFieldCount() != fields.length) {
            problems.add(new MemberService.Reject(record.getStartingLineNumber(), "", "columns",
                    Messages.get(locale, "import.column-count", record.getFieldCount(), fields.length)));
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < fields.length; i++) {
            String value = record.getField(i);
            if (value.indexOf('\uFFFD') >= 0) {
                problems.add(new MemberService.Reject(record.getStartingLineNumber(), header.get(i), "encoding", Messages.get(locale, "import.invalid-utf8")));
            }
            values.put(fields[i], value.isBlank() ? null : value.strip());
        }
        if (!problems.isEmpty()) {
            return null;
        }
        boolean hasAddress = values.get("line1") != null || values.get("postcode") != null || values.get("city") != null;
        MemberForm.AddressForm address = hasAddress ? new MemberForm.AddressForm(values.get("line1"), values.get("line2"),
                values.get("postcode"), values.get("city"), values.get("country")) : null;
        return new MemberForm(values.get("memberNumber"), values.get("nir"), values.get("lastName"), values.get("firstName"),
                values.get("birthDate"), values.get("sex"), values.get("email"), values.get("phone"), address,
                values.get("language"), null, values.get("passwordHash"), null);
    }

    /** The file's own column name for a form field path ({@code address.postcode} → {@code postcode}). */
    private static String column(String path, String[] fields, List<String> header) {
        String field = path.startsWith("address.") ? path.substring("address.".length()) : path;
        for (int i = 0; i < fields.length; i++) {
            if (field.equals(fields[i])) {
                return header.get(i);
            }
        }
        return path;
    }

    private static char detectSeparator(BufferedInputStream in) {
        try {
            in.mark(1 << 16);
            byte[] head = in.readNBytes(1 << 16);
            in.reset();
            int semicolons = 0;
            int commas = 0;
            for (byte b : head) {
                if (b == '\n') {
                    break;
                }
                semicolons += b == ';' ? 1 : 0;
                commas += b == ',' ? 1 : 0;
            }
            return semicolons >= commas ? ';' : ',';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String headerKey(String name) {
        return Normalizer.normalize(name.strip(), Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replaceAll("[\\s\\-]+", "_").replace("\uFEFF", "");
    }

    private static Map<String, String> columns() {
        Map<String, String> m = new HashMap<>();
        put(m, "memberNumber", "member_number", "membernumber", "numero_adherent", "adherent");
        put(m, "nir", "nir", "numero_securite_sociale");
        put(m, "lastName", "last_name", "lastname", "nom");
        put(m, "firstName", "first_name", "firstname", "prenom");
        put(m, "birthDate", "birth_date", "birthdate", "date_naissance", "date_de_naissance");
        put(m, "sex", "sex", "sexe");
        put(m, "email", "email", "e_mail", "courriel");
        put(m, "phone", "phone", "telephone");
        put(m, "line1", "address_line1", "adresse", "adresse_ligne1");
        put(m, "line2", "address_line2", "adresse_ligne2", "complement");
        put(m, "postcode", "postcode", "postal_code", "code_postal");
        put(m, "city", "city", "ville", "commune");
        put(m, "country", "country", "pays");
        put(m, "language", "language", "langue");
        put(m, "passwordHash", "password_hash", "empreinte_mot_de_passe");
        return Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String field, String... names) {
        for (String n : names) {
            m.put(n, field);
        }
    }
}
