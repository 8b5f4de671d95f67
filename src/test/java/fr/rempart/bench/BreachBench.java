package fr.rempart.bench;

import fr.rempart.breach.SyntheticData;
import fr.rempart.it.RempartServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark of issue 6: a breach list imported against a large member base — read, validated,
 * matched, flagged, sessions revoked and notices queued — timed end to end, with the server's heap.
 * <p>
 * One server on embedded PostgreSQL ({@code -Xmx512m} by default, {@code bench.heap}, with a GC log).
 * {@link SyntheticData} generates {@code bench.members} members (4,000,000 by default), uploaded
 * through {@code POST /api/v1/member-imports} in files of {@code bench.member-file-rows} rows
 * (500,000), each streamed from disk; the load rate is reported, not part of the target. Then for
 * each size of {@code bench.lists} (510000,50000,5000000), {@code bench.repeats} times (1): a new
 * incident (so every matched member is flagged again, for that incident), a breach list from
 * {@link SyntheticData#writeBreachList} (shares {@code bench.invalid} 0.02, {@code bench.strangers}
 * 0.05, {@code bench.mismatches} 0.01; a list longer than the member base picks members again:
 * duplicates), streamed to {@code POST /api/v1/incidents/{id}/breach-lists}, then
 * {@code GET /api/v1/breach-jobs/{job}} every 100 ms until DONE or FAILED. Timed from the start of
 * the upload to DONE (and to the 202). Meanwhile the server's used heap is read from MicroProfile
 * Metrics every 50 ms, and the GC log gives the heap after each collection (the live data).
 * <p>
 * The PostgreSQL data directory cannot be kept between runs: {@link RempartServer} deletes its
 * work directory and draws a new master key (hence new NIR blind indexes) at each start, so the
 * members are loaded every time. Notices go to {@code .eml} files in the server's data directory
 * rather than to the test SMTP server in this JVM (which would keep every message in memory).
 * Plain main (not a test); see deploy/bench-breach. Report: target/bench/breach-results.md, and
 * lines starting with RESULT.
 */
public final class BreachBench {

    private static final String INCIDENT = """
            {"title":"Benchmark %d: accès frauduleux au portail des professionnels de santé","source":"Caisse nationale d'assurance maladie",
             "occurredFrom":"%s","occurredTo":"%s","discoveredOn":"%s",
             "leaked":["IDENTITY","NIR","RIGHTS"],"notLeaked":["CONTACT","BANK","HEALTH"]}
            """;

    private final Path out;
    private final Path work;
    private final long members = Long.parseLong(System.getProperty("bench.members", "4000000"));
    private final List<Integer> lists = Bench.intsSetting("bench.lists", "510000,50000,5000000");
    private final int repeats = Bench.intSetting("bench.repeats", 1);
    private final int memberFileRows = Bench.intSetting("bench.member-file-rows", 500_000);
    private final String heap = System.getProperty("bench.heap", "512m");
    private final double invalid = Double.parseDouble(System.getProperty("bench.invalid", "0.02"));
    private final double strangers = Double.parseDouble(System.getProperty("bench.strangers", "0.05"));
    private final double mismatches = Double.parseDouble(System.getProperty("bench.mismatches", "0.01"));
    private final long seed = Long.parseLong(System.getProperty("bench.seed", "42"));
    private final int jobTimeoutMinutes = Bench.intSetting("bench.job-timeout-minutes", 60);
    private final double targetSeconds = Double.parseDouble(System.getProperty("bench.target-seconds", "20"));

    private RempartServer server;
    private String metrics;
    private Machine machine;
    private Path gcLog;
    private int incidents;

    /** One list's outcome, for the summary tables. */
    private record Outcome(int rows, double fileMib, String status, double accepted, double seconds, JsonObject job, long peakHeap,
                           String gc, double[] liveAfterGc, int pauses, boolean fullGc, Machine.Window cpu, String error) {
    }

    private BreachBench(Path work, Path out) {
        this.work = work;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Bench.work();
        Files.createDirectories(work);
        Path out = work.resolve("breach-results.md");
        Files.deleteIfExists(out);
        int status = 0;
        try {
            new BreachBench(work, out).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            Bench.report(out, "\n**Benchmark failed:** `" + e + "`");
            status = 1;
        }
        // Ends the JVM even after a failure (the server, PostgreSQL and SMTP threads would keep it up); the hooks stop them.
        System.exit(status);
    }

    private void say(String line) {
        Bench.report(out, line);
    }

    private void run() throws Exception {
        gcLog = work.resolve("breach-gc.log");
        Files.deleteIfExists(gcLog);
        Path data = work.resolve("breach-data");
        deleteTree(data);
        Files.createDirectories(data);
        say("# Breach-list benchmark (issue 6)");
        say("");
        say("Started " + java.time.OffsetDateTime.now() + ". Settings: " + String.format("%,d", members) + " members (files of "
                + String.format("%,d", memberFileRows) + " rows), lists " + lists + " × " + repeats + ", shares invalid " + invalid + ", strangers "
                + strangers + ", mismatches " + mismatches + ", seed " + seed + ", server -Xmx" + heap + ".");
        say("");
        Machine.describe().forEach(l -> say("- " + l));

        // Notices as .eml files (an empty SMTP host is no SMTP host): the test SMTP server would keep every message in this JVM's memory.
        // The product's upload limit (8 GiB), not the tests' 64 MiB.
        server = RempartServer.start("postgresql", Map.of("REMPART_DEMO", "false", "REMPART_SMTP_HOST", "",
                        "REMPART_BREACH_MAX_UPLOAD_BYTES", String.valueOf(8L << 30)),
                List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":timemillis"));
        try {
            say("- server: " + Bench.payaraVersion(work.resolve("postgresql")) + "; " + Bench.postgresVersion(server) + "; synchronous_commit="
                    + Bench.postgresSetting(server, "synchronous_commit") + ", fsync=" + Bench.postgresSetting(server, "fsync")
                    + ", shared_buffers=" + Bench.postgresSetting(server, "shared_buffers") + "; server JVM -Xmx" + heap + " (GC log " + gcLog + ")");
            metrics = metricsPath();
            machine = Machine.watching(work.resolve("postgresql").resolve("pgdata"));
            say("- heap from GET " + metrics + "; CPU from /proc (server seen: " + machine.seesServer() + ", PostgreSQL seen: "
                    + machine.seesPostgres() + ")");
            say("- the PostgreSQL data directory is not kept between runs (RempartServer deletes it and draws a new master key): members loaded each run");
            Thread.sleep(5000);
            say(String.format("- idle server, used heap %.0f MiB", Bench.mib(Bench.usedHeap(server, metrics).orElse(-1L))));

            loadMembers(data);

            List<Outcome> outcomes = new ArrayList<>();
            outer:
            for (int rows : lists) {
                for (int r = 0; r < repeats; r++) {
                    Outcome o = list(data, rows, r);
                    outcomes.add(o);
                    if ("TIMEOUT".equals(o.status())) {
                        say("\nStopped: a job still running after " + jobTimeoutMinutes + " minutes; the remaining lists are not run.");
                        break outer;
                    }
                }
            }
            summary(outcomes);
            say("");
            say("Server alive at the end: " + Bench.usedHeap(server, metrics).isPresent() + ". Results in " + out + ", GC log in " + gcLog
                    + ", server log in " + work.resolve("postgresql") + "/payara-*.log.");
        } finally {
            server.close();
            deleteTree(data);
        }
    }

    // ---------------------------------------------------------------- members

    private void loadMembers(Path data) throws Exception {
        say("");
        say("## Members");
        say("");
        long t0 = System.nanoTime();
        List<Path> files;
        try (ChunkedCsv chunks = new ChunkedCsv(data, "members-", memberFileRows)) {
            SyntheticData.writeMembers(members, chunks);
            chunks.close();
            files = chunks.files();
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        say(String.format("Generated %,d members with SyntheticData.writeMembers in %d files (%.0f MiB) in %.1f s (not timed below). "
                        + "Every member has an e-mail address: SyntheticData has no e-mail-less profile.", members, files.size(), Bench.mib(bytes),
                (System.nanoTime() - t0) / 1e9));
        say("");
        say("| file | rows | created | rejected | time | rows/s | peak used heap |");
        say("|---|---|---|---|---|---|---|");

        // An empty table gets a generic plan with sequential scans until it is analysed (docs/performance.md, member import):
        // analysed a few seconds into the first file, as autovacuum would do a minute later.
        Thread analyser = new Thread(() -> {
            try {
                for (int wait : new int[]{3000, 7000, 15000}) {
                    Thread.sleep(wait);
                    analyse("member");
                }
            } catch (InterruptedException ignored) {
                // loading over
            }
        }, "bench-analyse");
        analyser.setDaemon(true);
        analyser.start();

        long totalRead = 0;
        double totalSeconds = 0;
        long startedAt = System.currentTimeMillis();
        Machine.Sample before = machine.sample();
        for (int i = 0; i < files.size(); i++) {
            Path csv = files.get(i);
            HeapPoller poller = HeapPoller.start(server, metrics);
            long t = System.nanoTime();
            HttpResponse<String> r = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/member-imports"))
                    .timeout(Duration.ofMinutes(30)).header("Authorization", "Bearer " + server.token("security-admin"))
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv)).build());
            double seconds = (System.nanoTime() - t) / 1e9;
            poller.stop();
            if (r.statusCode() != 200) {
                say("| " + (i + 1) + " | FAILED: HTTP " + r.statusCode() + " `" + r.body().substring(0, Math.min(300, r.body().length())) + "` | | | | | |");
                throw new IllegalStateException("Member import failed: " + r.statusCode());
            }
            JsonObject report = Json.createReader(new StringReader(r.body())).readObject();
            long read = report.getJsonNumber("read").longValue();
            long rejected = report.getJsonNumber("rejected").longValue();
            totalRead += read;
            totalSeconds += seconds;
            say(String.format("| %d | %,d | %,d | %,d | %.1f s | %,.0f | %.0f MiB |", i + 1, read, report.getInt("created"), rejected, seconds,
                    read / seconds, Bench.mib(poller.peak())));
            if (rejected > 0) {
                say("");
                say("first rejects: `" + report.getJsonArray("rejects").stream().limit(5).toList() + "`");
                say("");
            }
            Files.deleteIfExists(csv);
        }
        analyser.interrupt();
        Machine.Window cpu = before.until(machine.sample());
        say("");
        say(String.format("Loaded %,d rows in %.1f s: **%,.0f rows/s** (%s).", totalRead, totalSeconds, totalRead / totalSeconds, cpu.describe()));
        say(Bench.gcSummary(gcLog, startedAt, System.currentTimeMillis()).replace("during the import", "during the load") + ".");
        say(String.format("RESULT members loaded=%d seconds=%.1f rowsPerSecond=%.0f", totalRead, totalSeconds, totalRead / totalSeconds));
        long t = System.nanoTime();
        try (var c = server.database(); var s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("vacuum analyze");
        }
        try (var c = server.database(); var s = c.createStatement();
             var rs = s.executeQuery("select count(*), pg_size_pretty(pg_database_size(current_database())) from member")) {
            rs.next();
            say(String.format("Then `VACUUM ANALYZE` (%.1f s, not timed), as a base that has been there a while: %,d members in the database, "
                    + "database size %s.", (System.nanoTime() - t) / 1e9, rs.getLong(1), rs.getString(2)));
        }
    }

    private void analyse(String table) {
        try (var c = server.database(); var s = c.createStatement()) {
            s.execute("analyze " + table);
        } catch (Exception e) {
            System.out.println("analyze " + table + " failed: " + e);
        }
    }

    // ---------------------------------------------------------------- one breach list

    private Outcome list(Path data, int rows, int repeat) throws Exception {
        say("");
        say(String.format("## List of %,d rows%s", rows, repeats > 1 ? " (run " + (repeat + 1) + ")" : ""));
        say("");
        Path csv = data.resolve("breach-list-" + rows + ".csv");
        long t0 = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            SyntheticData.writeBreachList(members, rows, invalid, strangers, mismatches, seed + repeat, w);
        }
        double fileMib = Bench.mib(Files.size(csv));
        say(String.format("Generated with SyntheticData.writeBreachList(%d members, %d rows, %.2f, %.2f, %.2f, seed %d): %.1f MiB in %.1f s%s.", members,
                rows, invalid, strangers, mismatches, seed + repeat, fileMib, (System.nanoTime() - t0) / 1e9,
                rows * (1 - invalid - strangers) > members ? String.format("; about %,.0f member rows for %,d members, so members come again "
                        + "(duplicates)", rows * (1 - invalid - strangers), members) : ""));

        String incident = declareIncident();
        Thread.sleep(3000); // lets the generation's disk writes and the server settle
        long idle = Bench.usedHeap(server, metrics).orElse(-1L);
        long outboxBefore = count("select count(*) from outbox_message");
        say(String.format("Incident %s; idle used heap %.0f MiB; outbox %,d messages.", incident, Bench.mib(idle), outboxBefore));

        HeapPoller poller = HeapPoller.start(server, metrics);
        LiveHeap liveHeap = Boolean.getBoolean("bench.live-heap") ? LiveHeap.start(server, metrics) : null;
        Machine.Sample before = machine.sample();
        long startedAt = System.currentTimeMillis();
        long t = System.nanoTime();
        HttpResponse<String> r = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents/" + incident + "/breach-lists"))
                .timeout(Duration.ofMinutes(30)).header("Authorization", "Bearer " + server.token("security-admin"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv)).build());
        double accepted = (System.nanoTime() - t) / 1e9;
        if (r.statusCode() != 202) {
            poller.stop();
            say("**Upload refused: HTTP " + r.statusCode() + "** `" + r.body().substring(0, Math.min(500, r.body().length())) + "`");
            Files.deleteIfExists(csv);
            return new Outcome(rows, fileMib, "HTTP " + r.statusCode(), accepted, Double.NaN, null, poller.peak(), "", new double[]{-1, -1}, 0,
                    false, before.until(machine.sample()), r.body());
        }
        String jobId = Json.createReader(new StringReader(r.body())).readObject().getString("id");
        JsonObject job = null;
        String status = "TIMEOUT";
        long deadline = t + Duration.ofMinutes(jobTimeoutMinutes).toNanos();
        long lastShown = System.nanoTime();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> s = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/breach-jobs/" + jobId)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + server.token("security-admin")).GET().build());
            if (s.statusCode() == 200) {
                job = Json.createReader(new StringReader(s.body())).readObject();
                if (!"RUNNING".equals(job.getString("status"))) {
                    status = job.getString("status");
                    break;
                }
                if (System.nanoTime() - lastShown > 10e9) {
                    lastShown = System.nanoTime();
                    System.out.printf("  … %.0f s: %s%n", (lastShown - t) / 1e9, s.body());
                }
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        long endedAt = System.currentTimeMillis();
        Machine.Window cpu = before.until(machine.sample());
        poller.stop();
        Files.deleteIfExists(csv);

        say("");
        say(String.format("Job %s: **%s**; upload answered 202 after %.2f s; %s after **%.1f s** (upload start to %s seen, polled every 100 ms).", jobId,
                status, accepted, status, seconds, status));
        if (job != null) {
            long read = job.getJsonNumber("read").longValue();
            long flagged = job.getJsonNumber("flagged").longValue();
            say("");
            say("| read | invalid | duplicates | matched | unmatched | review | flagged | already flagged | notified | progress |");
            say("|---|---|---|---|---|---|---|---|---|---|");
            say(String.format("| %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %.2f |", read, num(job, "invalid"), num(job, "duplicates"),
                    num(job, "matched"), num(job, "unmatched"), num(job, "review"), flagged, num(job, "alreadyFlagged"), num(job, "notified"),
                    job.getJsonNumber("progress").doubleValue()));
            say("");
            say(String.format("Rates: **%,.0f rows/s**, **%,.0f flagged members/s** (end to end).", read / seconds, flagged / seconds));
            if (job.containsKey("error") && !job.isNull("error")) {
                say("Job error: `" + job.getString("error") + "`");
            }
        }
        say(String.format("Heap: used heap peak **%.0f MiB** of %s (%d samples ~50 ms apart).", Bench.mib(poller.peak()), heap, poller.samples()));
        if (liveHeap != null) {
            liveHeap.stop();
            say(String.format("Live heap (used right after a full collection forced every 3 s with jcmd GC.run): max **%.0f MiB**, median %.0f MiB "
                    + "(%d collections).", Bench.mib(liveHeap.max()), Bench.mib(liveHeap.median()), liveHeap.count()));
            System.out.printf("RESULT live-heap rows=%d maxMiB=%.0f medianMiB=%.0f collections=%d%n", rows, Bench.mib(liveHeap.max()),
                    Bench.mib(liveHeap.median()), liveHeap.count());
        }
        String gc = Bench.gcSummary(gcLog, startedAt, endedAt);
        say(gc + ".");
        say(cpu.describe() + ".");
        if (job != null && job.getJsonNumber("read").longValue() > 0) {
            long read = job.getJsonNumber("read").longValue();
            say(String.format("CPU ms per 1,000 rows: server %.0f, PostgreSQL %.0f, foreign %.0f.", 1e6 * cpu.server() / read,
                    1e6 * cpu.postgres() / read, 1e6 * cpu.foreign() / read));
        }
        Thread.sleep(1500);
        long flags = count("select count(*) from member_flag where incident = '" + incident + "'");
        long emails = count("select count(*) from notice where channel = 'EMAIL' and incident = '" + incident + "'");
        long letters = count("select count(*) from notice where channel = 'LETTER' and incident = '" + incident + "'");
        long outboxAfter = count("select count(*) from outbox_message");
        say(String.format("Checked in the database afterwards: %,d member_flag rows for %s; notices queued: %,d e-mails, %,d letters "
                + "(rendered in the background: %,d outbox messages so far).", flags, incident, emails, letters, outboxAfter - outboxBefore));

        double[] live = liveAfterGc(gc);
        if (job != null) {
            say(String.format("RESULT list rows=%d status=%s seconds=%.1f acceptedSeconds=%.2f rowsPerSecond=%.0f flaggedPerSecond=%.0f read=%d invalid=%d "
                            + "duplicates=%d matched=%d unmatched=%d review=%d flagged=%d notified=%d peakHeapMiB=%.0f heapAfterGcMiB=%.0f-%.0f", rows, status,
                    seconds, accepted, num(job, "read") / seconds, num(job, "flagged") / seconds, num(job, "read"), num(job, "invalid"),
                    num(job, "duplicates"), num(job, "matched"), num(job, "unmatched"), num(job, "review"), num(job, "flagged"), num(job, "notified"),
                    Bench.mib(poller.peak()), live[0], live[1]));
        }
        return new Outcome(rows, fileMib, status, accepted, seconds, job, poller.peak(), gc, live, gcCount(gc), gc.contains("FULL"), cpu,
                job != null && job.containsKey("error") && !job.isNull("error") ? job.getString("error") : null);
    }

    private String declareIncident() {
        LocalDate today = LocalDate.now();
        String body = String.format(INCIDENT, ++incidents, today.minusDays(20), today.minusDays(10), today.minusDays(2));
        HttpResponse<String> created = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/incidents")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + server.token("security-admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Incident not declared: " + created.statusCode() + " " + created.body());
        }
        return Json.createReader(new StringReader(created.body())).readObject().getString("id");
    }

    // ---------------------------------------------------------------- summary

    private void summary(List<Outcome> outcomes) {
        say("");
        say("## Summary");
        say("");
        say("| list rows | file | status | upload → 202 | upload → DONE | rows/s | flagged | flagged/s | notified | peak used heap | heap after GC | GC pauses | target (< "
                + (int) targetSeconds + " s, heap < " + heap + ") |");
        say("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<Integer, List<Outcome>> bySize = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            bySize.computeIfAbsent(o.rows(), k -> new ArrayList<>()).add(o);
            long read = o.job() == null ? 0 : num(o.job(), "read");
            long flagged = o.job() == null ? 0 : num(o.job(), "flagged");
            boolean met = "DONE".equals(o.status()) && o.seconds() < targetSeconds;
            say(String.format("| %,d | %.1f MiB | %s | %.2f s | %.1f s | %,.0f | %,d | %,.0f | %,d | %.0f MiB | %s | %d%s | %s |", o.rows(), o.fileMib(),
                    o.status(), o.accepted(), o.seconds(), read / o.seconds(), flagged, flagged / o.seconds(),
                    o.job() == null ? 0 : num(o.job(), "notified"), Bench.mib(o.peakHeap()),
                    o.liveAfterGc()[0] < 0 ? "no GC" : String.format("%.0f–%.0f MiB", o.liveAfterGc()[0], o.liveAfterGc()[1]), o.pauses(),
                    o.fullGc() ? " (some FULL)" : "", o.rows() == 510_000 && members >= 4_000_000 ? (met ? "met" : "**not met**") : "n/a (other scale)"));
        }
        say("");
        say("Memory against list size (the target: the same memory for the largest list as for the smallest):");
        say("");
        say("| list rows | peak used heap (metrics, includes garbage) | heap after GC during the job (live data) | GC pauses |");
        say("|---|---|---|---|");
        for (Outcome o : outcomes.stream().sorted(java.util.Comparator.comparingInt(Outcome::rows)).toList()) {
            say(String.format("| %,d | %.0f MiB | %s | %d%s |", o.rows(), Bench.mib(o.peakHeap()),
                    o.liveAfterGc()[0] < 0 ? "no GC" : String.format("%.0f–%.0f MiB", o.liveAfterGc()[0], o.liveAfterGc()[1]), o.pauses(),
                    o.fullGc() ? " (some FULL)" : ""));
        }
        for (var e : bySize.entrySet()) {
            List<Outcome> done = e.getValue().stream().filter(o -> "DONE".equals(o.status())).toList();
            if (done.isEmpty()) {
                continue;
            }
            double seconds = Bench.median(done.stream().map(Outcome::seconds).toList());
            double rowsPerSecond = Bench.median(done.stream().map(o -> num(o.job(), "read") / o.seconds()).toList());
            double flaggedPerSecond = Bench.median(done.stream().map(o -> num(o.job(), "flagged") / o.seconds()).toList());
            double peak = Bench.median(done.stream().map(o -> Bench.mib(o.peakHeap())).toList());
            double live = Bench.median(done.stream().map(o -> o.liveAfterGc()[1]).toList());
            say(String.format("RESULT median rows=%d members=%d runs=%d seconds=%.1f rowsPerSecond=%.0f flaggedPerSecond=%.0f peakHeapMiB=%.0f "
                    + "maxHeapAfterGcMiB=%.0f", e.getKey(), members, done.size(), seconds, rowsPerSecond, flaggedPerSecond, peak, live));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static long num(JsonObject job, String name) {
        return job.getJsonNumber(name).longValue();
    }

    private long count(String sql) {
        try (var c = server.database(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static final java.util.regex.Pattern AFTER_GC = java.util.regex.Pattern.compile("heap after GC (\\d+)–(\\d+) MiB");
    private static final java.util.regex.Pattern PAUSES = java.util.regex.Pattern.compile("GC log: (\\d+) pauses");

    private static double[] liveAfterGc(String gc) {
        var m = AFTER_GC.matcher(gc);
        return m.find() ? new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))} : new double[]{-1, -1};
    }

    private static int gcCount(String gc) {
        var m = PAUSES.matcher(gc);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private String metricsPath() {
        for (String path : List.of("/metrics?scope=base", "/metrics/base", "/metrics")) {
            if (Bench.usedHeap(server, path).isPresent()) {
                return path;
            }
        }
        throw new IllegalStateException("No used heap in the server's metrics");
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The server's used heap every 50 ms on a thread of its own, its maximum kept. */
    /**
     * The live data during a job: a full collection forced in the server ({@code jcmd GC.run}) every
     * 3 s, then its used heap — garbage not yet collected cannot hide a growth, nor pass for one.
     * Distorts the job's time: used only for the memory comparison ({@code bench.live-heap=true}).
     */
    private static final class LiveHeap {
        private final AtomicBoolean polling = new AtomicBoolean(true);
        private final java.util.List<Long> samples = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private Thread thread;

        static LiveHeap start(RempartServer server, String path) {
            LiveHeap l = new LiveHeap();
            long pid = ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains("payara-micro"))
                    .findFirst().orElseThrow().pid();
            l.thread = new Thread(() -> {
                while (l.polling.get()) {
                    try {
                        new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                        Bench.usedHeap(server, path).ifPresent(l.samples::add);
                        Thread.sleep(3000);
                    } catch (java.io.IOException e) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-live-heap");
            l.thread.setDaemon(true);
            l.thread.start();
            return l;
        }

        void stop() throws InterruptedException {
            polling.set(false);
            thread.interrupt();
            thread.join(10_000);
        }

        long max() {
            return samples.stream().mapToLong(Long::longValue).max().orElse(-1);
        }

        long median() {
            java.util.List<Long> sorted = samples.stream().sorted().toList();
            return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
        }

        int count() {
            return samples.size();
        }
    }

    private static final class HeapPoller {
        private final AtomicBoolean polling = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();
        private Thread thread;

        static HeapPoller start(RempartServer server, String path) {
            HeapPoller p = new HeapPoller();
            p.thread = new Thread(() -> {
                while (p.polling.get()) {
                    Bench.usedHeap(server, path).ifPresent(h -> {
                        p.peak.accumulateAndGet(h, Math::max);
                        p.samples.incrementAndGet();
                    });
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-poller");
            p.thread.setDaemon(true);
            p.thread.start();
            return p;
        }

        void stop() throws InterruptedException {
            polling.set(false);
            thread.join(10_000);
        }

        long peak() {
            return peak.get();
        }

        long samples() {
            return samples.get();
        }
    }

    /**
     * A CSV writer that splits what it is given into files of at most {@code rows} data rows, each
     * starting with the first line written (the header): SyntheticData's one stream of members
     * becomes upload-sized files without another copy of its format.
     */
    private static final class ChunkedCsv extends Writer {
        private final Path dir;
        private final String prefix;
        private final int rows;
        private final StringBuilder line = new StringBuilder(256);
        private final List<Path> files = new ArrayList<>();
        private String header;
        private BufferedWriter current;
        private int inCurrent;

        ChunkedCsv(Path dir, String prefix, int rows) {
            this.dir = dir;
            this.prefix = prefix;
            this.rows = rows;
        }

        List<Path> files() {
            return files;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                char ch = cbuf[i];
                line.append(ch);
                if (ch == '\n') {
                    endLine();
                }
            }
        }

        private void endLine() throws IOException {
            if (header == null) {
                header = line.toString();
            } else {
                if (current == null || inCurrent == rows) {
                    if (current != null) {
                        current.close();
                    }
                    Path file = dir.resolve(String.format("%s%03d.csv", prefix, files.size() + 1));
                    files.add(file);
                    current = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    current.write(header);
                    inCurrent = 0;
                }
                current.append(line);
                inCurrent++;
            }
            line.setLength(0);
        }

        @Override
        public void flush() throws IOException {
            if (current != null) {
                current.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (line.length() > 0) {
                line.append('\n');
                endLine();
            }
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
