package fr.rempart.breach;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountsCompromised;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.NirProtector;
import fr.rempart.member.RequiredAction;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.platform.Startup;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.csv.CsvExport;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.totp.TotpEnrolments;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Breach-list import jobs. The upload is written to disk first (so a job killed in the middle
 * starts again from the file at the next start-up), then read in batches of rows: duplicates
 * counted through the database, members found by the NIR blind index with their identity
 * checked (a NIR whose member has another name or birth date goes to review, never flagged), and
 * each matched member flagged and hardened per the incident's policy in the batch's transaction.
 * Flagging is idempotent (one {@code member_flag} row per member and incident): a re-import, a
 * restart or a second upload flags and hardens each member once.
 */
@ApplicationScoped
public class BreachJobs {

    private static final Logger LOG = Logger.getLogger(BreachJobs.class.getName());
    static final int BATCH = 5000;
    private static final int REPORT_PAGE = 10_000;

    /** The job's counts as {@code GET /api/v1/breach-jobs/{id}} gives them. */
    public record Job(String id, String incidentId, String status, boolean dryRun, long fileBytes, long bytesRead, long read, long invalid,
                      long duplicates, long matched, long unmatched, long review, long flagged, long alreadyFlagged, long notified,
                      String error, Instant createdAt, Instant finishedAt, String sameFileAs) {
    }

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    Settings settings;
    @Inject
    Incidents incidents;
    @Inject
    MemberRepository members;
    @Inject
    NirProtector nirs;
    @Inject
    SessionStore sessions;
    @Inject
    TotpEnrolments enrolments;
    @Inject
    HardeningProofs proofs;
    @Inject
    AuditTrail audit;
    @Inject
    Event<AccountsCompromised> compromised;
    @Inject
    NoticeQueue notices;
    @Resource
    ManagedExecutorService executor;

    /**
     * Stores the upload and starts its job; refuses at once a file that is not a breach list
     * (empty, binary, wrong separator), an oversized one, or a second list for an incident whose
     * import is still running.
     */
    public String start(String incidentId, InputStream body, boolean dryRun, Actor actor) {
        String id = create(incidentId, body, dryRun, actor);
        executor.submit(() -> runGuarded(id));
        return id;
    }

    /** Stores the list and records its job, RUNNING; {@link #run} does the work (in the background, or in the import command). */
    String create(String incidentId, InputStream body, boolean dryRun, Actor actor) {
        Incident incident = incidents.find(incidentId).orElseThrow(() -> new ProblemException(404, "breach.error.unknown-incident"));
        String id = "JOB-" + Incidents.newId(clock.instant()).substring(4);
        Path file = uploads().resolve(id + ".csv");
        String sha256;
        long size;
        try {
            Files.createDirectories(file.getParent());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                size = copyAtMost(body, out, settings.breachMaxUploadBytes());
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
            try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BreachListReader.SAMPLE)) {
                BreachListReader.detect(in);
            }
        } catch (BreachListReader.UnreadableFile e) {
            delete(file);
            throw new ProblemException(400, "breach.error.file." + e.code());
        } catch (TooLarge e) {
            delete(file);
            throw new ProblemException(413, "breach.error.too-large", settings.breachMaxUploadBytes() / (1024 * 1024));
        } catch (IOException e) {
            delete(file);
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Instant now = clock.instant();
        try {
            jdbc.transaction(c -> {
                // One running import per incident: the incident row is the lock, so two uploads at once cannot both start.
                Jdbc.execute(c, "update incident set id = id where id = ?", incident.id());
                if (!dryRun && jdbc.one("select 1 from breach_job where incident_id = ? and status = 'RUNNING' and dry_run = false",
                        r -> 1, incident.id()).isPresent()) {
                    throw new ProblemException(409, "breach.error.running");
                }
                String sameFileAs = jdbc.one("select id from breach_job where incident_id = ? and file_sha256 = ? and dry_run = false "
                        + "order by created_at fetch first 1 rows only", r -> r.getString(1), incident.id(), sha256).orElse(null);
                Jdbc.execute(c, "insert into breach_job (id, incident_id, status, dry_run, file_path, file_bytes, file_sha256, bytes_read, rows_read, "
                                + "invalid, duplicates, matched, unmatched, review, flagged, already_flagged, notified, created_by, created_at, "
                                + "same_file_as) values (?, ?, 'RUNNING', ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?)", id, incident.id(), dryRun,
                        file.toString(), size, sha256, actor.toString(), now, sameFileAs);
                audit.record(actor, dryRun ? "breach-list.dry-run" : "breach-list.imported", incident.id(), null,
                        "job=" + id + " bytes=" + size + " sha256=" + sha256);
                return null;
            });
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
        return id;
    }

    /** Jobs cut short by a stop start again from their file (idempotent: nobody is flagged twice). */
    void resume(@Observes Startup.Ready ready) {
        for (String id : jdbc.list("select id from breach_job where status = 'RUNNING'", r -> r.getString(1))) {
            LOG.info(() -> "Resuming breach-list job " + id);
            executor.submit(() -> runGuarded(id));
        }
    }

    public Optional<Job> find(String id) {
        return id == null || id.length() > 40 ? Optional.empty() : jdbc.one("select * from breach_job where id = ?", r -> new Job(r.getString("id"),
                r.getString("incident_id"), r.getString("status"), r.getBoolean("dry_run"), r.getLong("file_bytes"), r.getLong("bytes_read"),
                r.getLong("rows_read"), r.getLong("invalid"), r.getLong("duplicates"), r.getLong("matched"), r.getLong("unmatched"),
                r.getLong("review"), r.getLong("flagged"), r.getLong("already_flagged"), r.getLong("notified"), r.getString("error"),
                Jdbc.instant(r, "created_at"), Jdbc.instant(r, "finished_at"), r.getString("same_file_as")), id);
    }

    /** The rejected rows after {@code afterLine}, in line order, a page at a time (the rejects CSV streams them). */
    public List<BreachListReader.Reject> rejects(String jobId, long afterLine, int limit) {
        return jdbc.list("select line, code, col from breach_reject where job_id = ? and line > ? order by line fetch first " + limit + " rows only",
                r -> new BreachListReader.Reject(r.getLong(1), r.getString(2), r.getString(3)), jobId, afterLine);
    }

    /** The rows sent to review: line, the member's number (never the NIR) and why. */
    public List<String[]> review(String jobId, long afterLine, int limit) {
        List<Map.Entry<MemberId, String[]>> rows = jdbc.list("select line, member_id, reason from breach_review where job_id = ? "
                        + "and line > ? order by line fetch first " + limit + " rows only",
                r -> Map.entry(new MemberId(r.getObject(2, java.util.UUID.class)), new String[]{String.valueOf(r.getLong(1)), null, r.getString(3)}),
                jobId, afterLine);
        // The member's number is member's to read.
        Map<MemberId, String> numbers = members.numbersOf(rows.stream().map(Map.Entry::getKey).toList());
        rows.forEach(e -> e.getValue()[1] = numbers.get(e.getKey()));
        return rows.stream().map(Map.Entry::getValue).toList();
    }

    /** The rejected rows as CSV ({@code line;code;column}), a page at a time: the API's {@code …/rejects} and the import command's report. */
    void writeRejects(String id, java.io.Writer writer) throws IOException {
        CsvExport csv = CsvExport.to(writer);
        csv.row("line", "code", "column");
        long after = 0;
        List<BreachListReader.Reject> page;
        do {
            page = rejects(id, after, REPORT_PAGE);
            for (BreachListReader.Reject r : page) {
                csv.row(String.valueOf(r.line()), r.code(), r.column());
                after = r.line();
            }
        } while (page.size() == REPORT_PAGE);
        csv.flush();
    }

    /** The rows sent to review as CSV ({@code line;member_number;reason}): never a NIR. */
    void writeReview(String id, java.io.Writer writer) throws IOException {
        CsvExport csv = CsvExport.to(writer);
        csv.row("line", "member_number", "reason");
        long after = 0;
        List<String[]> page;
        do {
            page = review(id, after, REPORT_PAGE);
            // A line may name several members: a full page leaves its last line to the next page, whole.
            long last = page.isEmpty() ? after : Long.parseLong(page.get(page.size() - 1)[0]);
            boolean full = page.size() == REPORT_PAGE;
            for (String[] r : page) {
                if (!full || Long.parseLong(r[0]) != last) {
                    csv.row(r);
                }
            }
            after = full ? last - 1 : last;
        } while (page.size() == REPORT_PAGE);
        csv.flush();
    }

    /**
     * Reads the job's file from its start; what an earlier, interrupted run did is counted again,
     * never done again. This thread reads and validates the rows and deals them to
     * {@code rempart.breach.workers} workers by NIR blind index, each with its own database
     * connection: a NIR — and so each member it names — always goes to the same worker, so batches
     * in parallel never meet (duplicates, flags), and the database's work spreads over the cores.
     * Each worker's queue holds one batch: memory stays flat whatever the list.
     */
    void run(String id) {
        Optional<Job> found = find(id);
        if (found.isEmpty() || !"RUNNING".equals(found.get().status())) {
            return;
        }
        Job job = found.get();
        Incident incident = incidents.find(job.incidentId()).orElseThrow();
        Path file = Path.of(jdbc.one("select file_path from breach_job where id = ?", r -> r.getString(1), id).orElseThrow());
        jdbc.transaction(c -> {
            Jdbc.execute(c, "delete from breach_reject where job_id = ?", id);
            Jdbc.execute(c, "delete from breach_review where job_id = ?", id);
            Jdbc.execute(c, "delete from breach_seen where job_id = ?", id);
            Jdbc.execute(c, "update breach_job set bytes_read = 0, rows_read = 0, invalid = 0, duplicates = 0, matched = 0, unmatched = 0, "
                    + "review = 0, flagged = 0, already_flagged = 0, notified = 0 where id = ?", id);
            return null;
        });
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < settings.breachWorkers(); i++) {
            workers.add(new Worker(job, incident));
        }
        // Plain threads: the workers need no container context (their own connections, application-scoped beans), and a
        // managed factory may refuse threads while the application is still starting — when interrupted jobs resume.
        for (int i = 0; i < workers.size(); i++) {
            Thread thread = new Thread(workers.get(i), "breach-" + id + "-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        long bytesRead = -1;
        String error = null;
        try (CountingStream in = new CountingStream(Files.newInputStream(file))) {
            List<List<Row>> pending = new ArrayList<>();
            workers.forEach(w -> pending.add(new ArrayList<>(BATCH)));
            List<BreachListReader.Reject> rejects = new ArrayList<>();
            BreachListReader.Summary summary = new BreachListReader(clock.withZone(java.time.ZoneId.systemDefault())).read(in, new BreachListReader.Rows() {
                @Override
                public void accepted(BreachListReader.Entry entry) {
                    String index = nirs.index(entry.nir());
                    int w = Math.floorMod(index.hashCode(), workers.size());
                    pending.get(w).add(new Row(index, entry));
                    if (pending.get(w).size() >= BATCH) {
                        workers.get(w).hand(new Batch(List.copyOf(pending.get(w)), List.of(), in.count()));
                        pending.get(w).clear();
                    }
                }

                @Override
                public void rejected(BreachListReader.Reject reject) {
                    rejects.add(reject);
                    if (rejects.size() >= BATCH) {
                        workers.get(0).hand(new Batch(List.of(), List.copyOf(rejects), in.count()));
                        rejects.clear();
                    }
                }
            });
            for (int w = 0; w < workers.size(); w++) {
                workers.get(w).hand(new Batch(List.copyOf(pending.get(w)), w == 0 ? List.copyOf(rejects) : List.of(), in.count()));
            }
            bytesRead = in.count();
            if (summary.stoppedAtLine() != null) {
                error = "stopped at line " + summary.stoppedAtLine() + ": a record over 64 KiB or a broken quote";
            }
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.WARNING, "Breach-list job " + id + " failed", e);
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            workers.forEach(Worker::finish);
        }
        Counts counts = new Counts();
        for (Worker worker : workers) {
            counts.add(worker.counts);
            if (error == null && worker.failure != null) {
                error = worker.failure.getClass().getSimpleName() + ": " + worker.failure.getMessage();
            }
        }
        finish(id, error == null ? "DONE" : "FAILED", counts, bytesRead, error);
        if (error == null) {
            delete(file);
        }
    }

    /** Tries of a job that meets a transient database conflict, before it is marked FAILED. */
    private static final int TRIES = 5;

    /**
     * {@link #run}, and a job that cannot run is marked FAILED with why, never left RUNNING in silence. A
     * transient conflict (a lock still held while the database recovers from a crash) is tried again, after
     * 1, 2, 4 and 8 seconds: a run starts again from its file and flags nobody twice.
     */
    private void runGuarded(String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                run(id);
                return;
            } catch (RuntimeException | Error e) {
                if (attempt < TRIES && Jdbc.isTransient(e)) {
                    LOG.log(Level.WARNING, "Breach-list job " + id + " met a transient conflict; trying again", e);
                    try {
                        Thread.sleep(1000L << (attempt - 1));
                        continue;
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                LOG.log(Level.SEVERE, "Breach-list job " + id + " could not run", e);
                finish(id, "FAILED", new Counts(), -1, e.getClass().getSimpleName() + ": " + e.getMessage());
                return;
            }
        }
    }

    /** A row on its way to a worker, with its NIR's blind index. */
    private record Row(String index, BreachListReader.Entry entry) {
    }

    /** Rows (and rejected rows) for one transaction; {@code bytesRead}: where the reader was, for the progress. */
    private record Batch(List<Row> rows, List<BreachListReader.Reject> rejects, long bytesRead) {
        static final Batch END = new Batch(List.of(), List.of(), -1);
    }

    /** Processes the batches dealt to it, one transaction each, on its own thread and connection. */
    private final class Worker implements Runnable {
        private final java.util.concurrent.BlockingQueue<Batch> queue = new java.util.concurrent.ArrayBlockingQueue<>(1);
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final Job job;
        private final Incident incident;
        final Counts counts = new Counts();
        volatile Throwable failure;

        Worker(Job job, Incident incident) {
            this.job = job;
            this.incident = incident;
        }

        /** Gives the worker a batch, waiting while it is busy with the previous one; a failed worker stops the reading. */
        void hand(Batch batch) {
            try {
                while (!queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failure != null) {
                        throw new IllegalStateException("a worker failed", failure);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Tells the worker the list is read, and waits until it has committed its last batch. */
        void finish() {
            try {
                while (failure == null && !queue.offer(Batch.END, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    Thread.onSpinWait();
                }
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                for (Batch batch = queue.take(); batch != Batch.END; batch = queue.take()) {
                    process(job, incident, batch, counts);
                }
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "Breach-list job " + job.id() + ": a worker failed", e);
                failure = e;
            } finally {
                done.countDown();
            }
        }
    }

    private static final class Counts {
        long read;
        long invalid;
        long duplicates;
        long matched;
        long unmatched;
        long review;
        long flagged;
        long alreadyFlagged;
        long notified;

        void add(Counts other) {
            read += other.read;
            invalid += other.invalid;
            duplicates += other.duplicates;
            matched += other.matched;
            unmatched += other.unmatched;
            review += other.review;
            flagged += other.flagged;
            alreadyFlagged += other.alreadyFlagged;
            notified += other.notified;
        }
    }

    /**
     * One batch in one transaction, set-based: a few statements whatever the batch's size. Rejects
     * kept, duplicates counted, members matched, then those newly flagged hardened and their notices
     * queued.
     */
    private void process(Job job, Incident incident, Batch batch, Counts total) {
        Counts counts = new Counts();
        counts.read = batch.rows().size() + batch.rejects().size();
        counts.invalid = batch.rejects().size();
        List<BreachListReader.Reject> rejects = batch.rejects();
        jdbc.transaction(c -> {
            jdbc.batch("insert into breach_reject (job_id, line, code, col) values (?, ?, ?, ?)",
                    rejects.stream().map(r -> new Object[]{job.id(), r.line(), r.code(), r.column()}).toList());
            Map<String, BreachListReader.Entry> fresh = firstSightings(job.id(), batch.rows(), counts);
            Map<String, List<MemberRepository.Identity>> byIndex = new HashMap<>();
            for (MemberRepository.Identity identity : members.identitiesByNirIndex(fresh.keySet())) {
                byIndex.computeIfAbsent(identity.nirIndex(), k -> new ArrayList<>()).add(identity);
            }
            List<Object[]> reviews = new ArrayList<>();
            Map<MemberId, MemberRepository.Identity> matched = new LinkedHashMap<>();
            for (Map.Entry<String, BreachListReader.Entry> row : fresh.entrySet()) {
                BreachListReader.Entry entry = row.getValue();
                List<MemberRepository.Identity> candidates = byIndex.getOrDefault(row.getKey(), List.of());
                if (candidates.isEmpty()) {
                    counts.unmatched++;
                    continue;
                }
                List<MemberRepository.Identity> same = candidates.stream().filter(m -> m.lastNameKey().equals(entry.lastName().matchKey())
                        && m.birthDate().equals(entry.birthDate())).toList();
                if (same.isEmpty()) {
                    counts.review++;
                    for (MemberRepository.Identity other : candidates) {
                        String reason = !other.birthDate().equals(entry.birthDate()) ? "BIRTH_DATE_DIFFERS" : "NAME_DIFFERS";
                        reviews.add(new Object[]{job.id(), entry.line(), other.id().value(), reason});
                    }
                    continue;
                }
                counts.matched++;
                same.forEach(m -> matched.put(m.id(), m));
            }
            jdbc.batch("insert into breach_review (job_id, line, member_id, reason) values (?, ?, ?, ?)", reviews);
            if (!job.dryRun() && !matched.isEmpty()) {
                List<MemberId> flagged = members.flagAll(matched.keySet(), incident.id(), job.id(), clock.instant());
                counts.flagged += flagged.size();
                counts.alreadyFlagged += matched.size() - flagged.size();
                counts.notified += harden(flagged.stream().map(matched::get).toList(), incident, job.id(), batch.rows().get(0).entry().line(),
                        batch.rows().get(batch.rows().size() - 1).entry().line());
            }
            // Increments: the workers' batches commit in any order.
            Jdbc.execute(c, "update breach_job set bytes_read = greatest(bytes_read, ?), rows_read = rows_read + ?, invalid = invalid + ?, "
                            + "duplicates = duplicates + ?, matched = matched + ?, unmatched = unmatched + ?, review = review + ?, flagged = flagged + ?, "
                            + "already_flagged = already_flagged + ?, notified = notified + ? where id = ?", batch.bytesRead(), counts.read,
                    counts.invalid, counts.duplicates, counts.matched, counts.unmatched, counts.review, counts.flagged, counts.alreadyFlagged,
                    counts.notified, job.id());
            return null;
        });
        total.add(counts);
    }

    /**
     * The batch's rows whose NIR this job sees for the first time, by blind index; the others are
     * counted as duplicates. Earlier batches are remembered in {@code breach_seen}, not in memory,
     * so a list of any size costs the same memory.
     */
    private Map<String, BreachListReader.Entry> firstSightings(String job, List<Row> batch, Counts counts) {
        Map<String, BreachListReader.Entry> fresh = new LinkedHashMap<>();
        for (Row row : batch) {
            if (fresh.putIfAbsent(row.index(), row.entry()) != null) {
                counts.duplicates++;
            }
        }
        if (fresh.isEmpty()) {
            return fresh;
        }
        List<String> seen = jdbc.list("select nir_index from breach_seen where job_id = ? and nir_index = any(?)", r -> r.getString(1), job,
                Jdbc.array("varchar", fresh.keySet()));
        counts.duplicates += seen.size();
        seen.forEach(fresh::remove);
        jdbc.update("insert into breach_seen (job_id, nir_index) select ?, t.i from unnest(?) as t(i)", job, Jdbc.array("varchar", fresh.keySet()));
        return fresh;
    }

    /**
     * Applies the incident's policy to the members this batch flagged, a few statements for the whole
     * batch: required actions ({@code UPDATE_PASSWORD}; {@code CONFIGURE_TOTP} unless a second factor
     * is enrolled) that only a session proving a contact on file can finish, every session ended, what relying parties hold revoked and a RISC
     * {@code credential-compromise} event for them, a timeline entry each, the notices queued, and
     * one audit entry naming the job, the lines and a digest of the members' numbers (the
     * {@code member_flag} rows carry the job). Returns how many members got a notice.
     */
    private int harden(List<MemberRepository.Identity> hardened, Incident incident, String job, long firstLine, long lastLine) {
        if (hardened.isEmpty()) {
            return 0;
        }
        Incident.Policy policy = incident.policy();
        List<MemberId> flagged = hardened.stream().map(MemberRepository.Identity::id).toList();
        Set<MemberId> enrolled = policy.configureTotp() ? enrolments.enrolledAmong(flagged) : Set.of();
        Map<MemberId, Set<RequiredAction>> required = new HashMap<>();
        for (MemberRepository.Identity member : hardened) {
            Set<RequiredAction> actions = EnumSet.noneOf(RequiredAction.class);
            actions.addAll(member.requiredActions());
            if (policy.updatePassword()) {
                actions.add(RequiredAction.UPDATE_PASSWORD);
            }
            if (policy.configureTotp() && !enrolled.contains(member.id())) {
                actions.add(RequiredAction.CONFIGURE_TOTP);
            }
            if (!actions.equals(member.requiredActions())) {
                required.put(member.id(), actions);
            }
        }
        members.setRequiredActions(required);
        // The leak may come with the password (phished, reused): finishing this hardening takes a proof the leak does not give.
        proofs.requireAll(hardened.stream().filter(m -> required.containsKey(m.id()) || !m.requiredActions().isEmpty())
                .map(MemberRepository.Identity::id).toList(), "incident " + incident.id());
        if (policy.revokeSessions()) {
            sessions.revokeAll(flagged, "incident");
        }
        compromised.fire(new AccountsCompromised(incident.id(), flagged, policy.revokeSessions()));
        Instant now = clock.instant();
        int notified = notices.queueBreach(incident.id(), hardened.stream()
                .map(m -> new NoticeQueue.Recipient(m.id(), m.email(), m.postal())).toList(), now);
        audit.record(new Actor("incident", incident.id()), "members.flagged", incident.id(), incident.title(), "job=" + job + " lines="
                + firstLine + "-" + lastLine + " members=" + flagged.size() + " password=" + policy.updatePassword() + " totp="
                + policy.configureTotp() + " sessions=" + policy.revokeSessions() + " numbers-sha256="
                + Secrets.sha256Hex(hardened.stream().map(MemberRepository.Identity::number).sorted().collect(Collectors.joining(","))));
        return notified;
    }

    private void finish(String id, String status, Counts counts, long bytesRead, String error) {
        jdbc.update("update breach_job set status = ?, bytes_read = case when ? >= 0 then ? else bytes_read end, error = ?, "
                        + "finished_at = ? where id = ?", status, bytesRead, bytesRead,
                error == null ? null : error.length() > 500 ? error.substring(0, 500) : error, clock.instant(), id);
        audit.record(Actor.SYSTEM, "breach-list.job-ended", id, status, "read=" + counts.read + " invalid=" + counts.invalid + " matched="
                + counts.matched + " review=" + counts.review + " flagged=" + counts.flagged);
    }

    private Path uploads() {
        return settings.dataDir().resolve("breach-lists");
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot delete " + file, e);
        }
    }

    private static final class TooLarge extends IOException {
    }

    private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > max) {
                throw new TooLarge();
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    /** Counts the bytes read, for the job's progress. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
