package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.MemberId;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The evidence files of reports: checked by content ({@link EvidenceCheck}), stored under random
 * names in {@code rempart.report.files-dir} (outside the web application: nothing there is ever
 * served by path), and read back only as downloads. A file arrives either with the report (the API's
 * multipart post) or before it, while the form is being filled in: it then waits under the form's
 * submission key ({@code report_upload}) and joins the report when it is filed, or is purged after a
 * day. Five files at most per report, all or none: one refused file keeps none of the request's.
 */
@ApplicationScoped
public class ReportEvidence {

    private Clock clock;

    public static final int MAX_FILES = 5;
    /** Evidence uploaded for a form never sent is deleted after this: a form is filled in minutes, not days. */
    static final Duration DRAFT_LIFETIME = Duration.ofHours(3);
    private static final Logger LOG = Logger.getLogger(ReportEvidence.class.getName());

    /** A file as the browser or the client sent it: its name (untrusted) and content. */
    public record Incoming(String submittedName, InputStream content) {

        /**
         * A multipart part's file name as Jersey gives it: read from the header as ISO-8859-1, while
         * browsers send UTF-8 there. Read again as UTF-8 when the bytes are UTF-8 ("relevé.pdf", not "relevÃ©.pdf").
         */
        public static Incoming ofPart(String headerFileName, InputStream content) {
            String name = headerFileName;
            if (name.chars().allMatch(c -> c <= 0xFF)) {
                try {
                    name = java.nio.charset.StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).toString();
                } catch (java.nio.charset.CharacterCodingException notUtf8) {
                    name = headerFileName;
                }
            }
            return new Incoming(name, content);
        }
    }

    /** A stored file: {@code id} names it within its report or draft. */
    public record StoredFile(long id, String fileName, String contentType, long sizeBytes, String sha256) {
        ComplaintRenderer.Evidence evidence() {
            return new ComplaintRenderer.Evidence(fileName, contentType, sizeBytes, sha256);
        }
    }

    /** A file checked and written in place, not yet recorded: {@link #discard} removes it if the recording fails. */
    record Prepared(String fileName, String contentType, long sizeBytes, String sha256, String storageName) {
    }

    /**
     * Who sends files, for the quotas: the client address's MAC (never the address itself) and the member signed in,
     * if any. Each is allowed {@code rempart.report.upload.files-per-day} files and {@code bytes-per-day} bytes.
     */
    public record Uploader(String address, Optional<MemberId> member) {
    }

    /** A file to send back: its record and where its bytes are. */
    public record Download(StoredFile file, Path path) {
    }

    private Jdbc jdbc;
    private AuditTrail audit;
    private Path dir;
    private long maxFileBytes;
    private EvidenceCheck.Limits limits;
    private int filesPerDay;
    private long bytesPerDay;
    private long totalBytes;
    private long minFreeBytes;

    protected ReportEvidence() {
    }

    @Inject
    public ReportEvidence(Jdbc jdbc, AuditTrail audit, Settings settings, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.audit = audit;
        this.dir = settings.reportFilesDir();
        this.maxFileBytes = settings.reportMaxFileBytes();
        this.limits = new EvidenceCheck.Limits(maxFileBytes, settings.reportImageMaxPixels(), settings.reportPdfMaxMemoryBytes());
        this.filesPerDay = settings.reportUploadFilesPerDay();
        this.bytesPerDay = settings.reportUploadBytesPerDay();
        this.totalBytes = settings.reportUploadTotalBytes();
        this.minFreeBytes = settings.reportUploadMinFreeBytes();
    }

    /**
     * Checks every file and writes the accepted ones in place; {@code already} files are held for
     * this report. Throws with one error per refused file (field {@code files}), having kept none.
     */
    List<Prepared> prepare(List<Incoming> files, int already, Uploader uploader, Locale locale) {
        if (files.isEmpty()) {
            return List.of();
        }
        if (already + files.size() > MAX_FILES) {
            throw new InvalidInputException(List.of(new FieldError("files", "TooMany",
                    Messages.get(locale, "report.evidence.too-many", MAX_FILES, already))));
        }
        // Before a byte is read: a sender over their quota, a full store or a full disk costs nothing more.
        admit(uploader, 0, 0, (long) files.size() * maxFileBytes, locale);
        List<Prepared> prepared = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        try {
            Files.createDirectories(dir.resolve("incoming"));
            for (Incoming file : files) {
                try {
                    prepared.add(prepareOne(file, locale));
                } catch (Refusals refusals) {
                    errors.addAll(refusals.errors);
                }
            }
        } catch (IOException e) {
            discard(prepared);
            throw new UncheckedIOException(e);
        }
        if (!errors.isEmpty()) {
            discard(prepared);
            throw new InvalidInputException(errors);
        }
        try {
            // Now the sizes are known: counted against the quotas and recorded in one transaction.
            jdbc.transaction(c -> {
                long bytes = prepared.stream().mapToLong(Prepared::sizeBytes).sum();
                admit(c, uploader, prepared.size(), bytes, 0, locale);
                Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                for (Prepared f : prepared) {
                    Jdbc.execute(c, "insert into report_upload_ledger (address, member_id, size_bytes, created_at) values (?, ?, ?, ?)",
                            uploader.address(), uploader.member().map(MemberId::value).orElse(null), f.sizeBytes(), now);
                }
                return null;
            });
        } catch (RuntimeException e) {
            discard(prepared);
            throw e;
        }
        return prepared;
    }

    private void admit(Uploader uploader, int files, long bytes, long reserve, Locale locale) {
        jdbc.transaction(c -> {
            admit(c, uploader, files, bytes, reserve, locale);
            return null;
        });
    }

    /**
     * Refuses (field {@code files}) when {@code files} more files of {@code bytes} would take the sender past a daily
     * quota (as an address, and as a member), the evidence store past its total, or the disk, {@code reserve} bytes
     * more, below its floor.
     */
    private void admit(Connection c, Uploader uploader, int files, long bytes, long reserve, Locale locale) throws SQLException {
        Instant since = clock.instant().minus(Duration.ofDays(1));
        List<long[]> used = new ArrayList<>();
        used.add(usage(c, "address = ?", uploader.address(), since));
        if (uploader.member().isPresent()) {
            used.add(usage(c, "member_id = ?", uploader.member().get().value(), since));
        }
        for (long[] u : used) {
            if (u[0] + Math.max(files, 1) > filesPerDay || u[1] + bytes > bytesPerDay || (files == 0 && u[1] >= bytesPerDay)) {
                throw new InvalidInputException(List.of(new FieldError("files", "quota",
                        Messages.get(locale, "report.evidence.quota", filesPerDay, bytesPerDay / (1024 * 1024)))));
            }
        }
        long stored;
        try (var s = Jdbc.prepare(c, "select (select coalesce(sum(size_bytes), 0) from report_upload) "
                + "+ (select coalesce(sum(size_bytes), 0) from report_attachment)"); ResultSet r = s.executeQuery()) {
            r.next();
            stored = r.getLong(1);
        }
        long usable;
        try {
            Files.createDirectories(dir);
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stored + bytes > totalBytes || (files == 0 && stored >= totalBytes) || usable - reserve < minFreeBytes) {
            LOG.warning("Evidence upload refused: the evidence store is full (total or disk floor reached)");
            throw new InvalidInputException(List.of(new FieldError("files", "storage-full", Messages.get(locale, "report.evidence.storage-full"))));
        }
    }

    private static long[] usage(Connection c, String where, Object who, Instant since) throws SQLException {
        try (var s = Jdbc.prepare(c, "select count(*), coalesce(sum(size_bytes), 0) from report_upload_ledger where " + where + " and created_at >= ?",
                who, since); ResultSet r = s.executeQuery()) {
            r.next();
            return new long[]{r.getLong(1), r.getLong(2)};
        }
    }

    /** One file refused, with its message: {@link #prepare} goes on with the others to name them all. */
    private static final class Refusals extends RuntimeException {
        private final List<FieldError> errors;

        Refusals(List<FieldError> errors) {
            super(null, null, false, false);
            this.errors = errors;
        }
    }

    private Prepared prepareOne(Incoming file, Locale locale) throws IOException {
        String shown = EvidenceCheck.safeName(file.submittedName());
        Path incoming = dir.resolve("incoming").resolve(UUID.randomUUID().toString());
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = file.content(); OutputStream out = new DigestOutputStream(Files.newOutputStream(incoming), sha256)) {
                // One byte past the limit is enough to know it is too large: the rest is not read.
                size = in.transferTo(new LimitedOutput(out, maxFileBytes + 1));
            } catch (LimitedOutput.Full full) {
                throw refusal(EvidenceCheck.Refusal.TOO_LARGE, shown, locale);
            }
            EvidenceCheck.Accepted accepted;
            try {
                accepted = EvidenceCheck.check(incoming, file.submittedName(), limits);
            } catch (EvidenceCheck.Refused refused) {
                throw refusal(refused.refusal(), shown, locale);
            }
            String storageName = UUID.randomUUID().toString();
            Files.move(incoming, dir.resolve(storageName), StandardCopyOption.ATOMIC_MOVE);
            return new Prepared(accepted.fileName(), accepted.contentType(), size, HexFormat.of().formatHex(sha256.digest()), storageName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    private Refusals refusal(EvidenceCheck.Refusal refusal, String shown, Locale locale) {
        String code = refusal.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return new Refusals(List.of(new FieldError("files", code,
                Messages.get(locale, "report.evidence.refused." + code, shown, maxFileBytes / (1024 * 1024)))));
    }

    /** Records prepared files as the report's, in the filing transaction. */
    void record(Connection c, ReportReference reference, List<Prepared> files, Instant now) throws SQLException {
        for (Prepared f : files) {
            Jdbc.execute(c, "insert into report_attachment (reference, file_name, content_type, size_bytes, sha256, storage_path, created_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?)", reference.value(), f.fileName(), f.contentType(), f.sizeBytes(), f.sha256(), f.storageName(), now);
        }
    }

    /** Moves the files uploaded under the form's key to the report, in the filing transaction; returns how many. */
    int attachDrafts(Connection c, String draftKey, ReportReference reference) throws SQLException {
        Jdbc.execute(c, "insert into report_attachment (reference, file_name, content_type, size_bytes, sha256, storage_path, created_at) "
                + "select ?, file_name, content_type, size_bytes, sha256, storage_path, created_at from report_upload where draft_key = ? order by id",
                reference.value(), draftKey);
        return Jdbc.execute(c, "delete from report_upload where draft_key = ?", draftKey);
    }

    /** Removes files written by {@link #prepare} whose recording failed. */
    void discard(List<Prepared> files) {
        files.forEach(f -> delete(f.storageName()));
    }

    /**
     * Keeps files uploaded while the form is filled in, under its submission key, up to five in all.
     * Audited without the key (it is the form's only secret) nor the names.
     */
    public List<StoredFile> upload(String draftKey, List<Incoming> files, Uploader uploader, Actor actor, Locale locale) {
        List<Prepared> prepared = prepare(files, drafts(draftKey).size(), uploader, locale);
        try {
            jdbc.transaction(c -> {
                Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                for (Prepared f : prepared) {
                    Jdbc.execute(c, "insert into report_upload (draft_key, file_name, content_type, size_bytes, sha256, storage_path, created_at) "
                            + "values (?, ?, ?, ?, ?, ?, ?)", draftKey, f.fileName(), f.contentType(), f.sizeBytes(), f.sha256(), f.storageName(), now);
                }
                audit.record(actor, "report.evidence-uploaded", null, null, "files=" + prepared.size() + " sha256="
                        + String.join(",", prepared.stream().map(Prepared::sha256).toList()));
                return null;
            });
        } catch (RuntimeException e) {
            discard(prepared);
            throw e;
        }
        return drafts(draftKey);
    }

    /** The files waiting under a form's key, in upload order. */
    public List<StoredFile> drafts(String draftKey) {
        return jdbc.list("select id, file_name, content_type, size_bytes, sha256 from report_upload where draft_key = ? order by id",
                ReportEvidence::file, draftKey);
    }

    /** Takes back a file uploaded under a form's key; audited. */
    public boolean removeDraft(String draftKey, long id, Actor actor) {
        // Read and deleted in one transaction: a form sent at the same moment takes the row first, and then keeps its file.
        Optional<String> removed = jdbc.transaction(c -> {
            Optional<String> path;
            try (var select = Jdbc.prepare(c, "select storage_path from report_upload where draft_key = ? and id = ? for update", draftKey, id);
                 ResultSet r = select.executeQuery()) {
                path = r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
            if (path.isEmpty() || Jdbc.execute(c, "delete from report_upload where draft_key = ? and id = ?", draftKey, id) == 0) {
                return Optional.<String>empty();
            }
            audit.record(actor, "report.evidence-removed", null, null, "files=1");
            return path;
        });
        removed.ifPresent(this::delete);
        return removed.isPresent();
    }

    /** A filed report's files, in the order they came. */
    public List<StoredFile> of(ReportReference reference) {
        return jdbc.list("select id, file_name, content_type, size_bytes, sha256 from report_attachment where reference = ? order by id",
                ReportEvidence::file, reference.value());
    }

    public Optional<Download> download(ReportReference reference, long id) {
        return jdbc.one("select id, file_name, content_type, size_bytes, sha256, storage_path from report_attachment where reference = ? and id = ?",
                r -> new Download(file(r), dir.resolve(r.getString("storage_path"))), reference.value(), id);
    }

    /** The stored names of the files of the reports {@code where} selects, before those rows go. */
    List<String> storageNames(Connection c, String reportWhere, Object... parameters) throws SQLException {
        List<String> names = new ArrayList<>();
        try (var statement = Jdbc.prepare(c, "select storage_path from report_attachment where reference in (select reference from report where "
                + reportWhere + ")", parameters); ResultSet r = statement.executeQuery()) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    /** Deletes the uploads of forms never sent, older than a day; returns how many. */
    public int purgeDrafts(Instant now) {
        Instant before = now.minus(DRAFT_LIFETIME);
        // Only the files whose rows this transaction deleted: a form sent meanwhile has moved its rows, and keeps its files.
        List<String> names = jdbc.transaction(c -> {
            List<Object[]> rows = new ArrayList<>();
            try (var select = Jdbc.prepare(c, "select id, storage_path from report_upload where created_at < ? for update", before);
                 ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    rows.add(new Object[]{r.getLong(1), r.getString(2)});
                }
            }
            List<String> gone = new ArrayList<>();
            for (Object[] row : rows) {
                if (Jdbc.execute(c, "delete from report_upload where id = ?", row[0]) == 1) {
                    gone.add((String) row[1]);
                }
            }
            if (!gone.isEmpty()) {
                audit.record(Actor.SYSTEM, "report.evidence-purged", null, "form never sent", "files=" + gone.size());
            }
            // The quotas look back one day: older entries count for nothing.
            Jdbc.execute(c, "delete from report_upload_ledger where created_at < ?", now.minus(Duration.ofDays(1)));
            return gone;
        });
        names.forEach(this::delete);
        return names.size();
    }

    /** Deletes stored files by name, after their rows are gone: a file left behind is only a leak of disk, never of access. */
    void delete(String storageName) {
        Path path = dir.resolve(storageName).normalize();
        if (!path.getParent().equals(dir)) {
            throw new IllegalArgumentException("Not an evidence file");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Evidence file not deleted: " + storageName, e);
        }
    }

    private static StoredFile file(ResultSet r) throws SQLException {
        return new StoredFile(r.getLong("id"), r.getString("file_name"), r.getString("content_type"), r.getLong("size_bytes"), r.getString("sha256"));
    }

    /** Writes at most {@code limit} bytes, then throws {@link Full}. */
    private static final class LimitedOutput extends java.io.FilterOutputStream {
        static final class Full extends IOException {
            Full() {
                super(null, null);
            }
        }

        private long left;

        LimitedOutput(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= left) {
                throw new Full();
            }
            left -= len;
            out.write(b, off, len);
        }
    }
}
