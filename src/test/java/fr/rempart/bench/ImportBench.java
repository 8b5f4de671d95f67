package fr.rempart.bench;

import fr.rempart.it.RempartServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 2: member imports from CSV into PostgreSQL, rows per second and the server's heap.
 * <p>
 * One server on embedded PostgreSQL with a small heap ({@code bench.import.heap}, 256m by default)
 * and a GC log; files of each size in {@code bench.import.rows} (100000,400000,100000) are generated,
 * then uploaded one after the other with an admin token (new members each time, into the same
 * database: the first file meets an empty table, the last one the same size as the first with
 * 500,000 members already there). Timed from the request to the report. Meanwhile
 * the server's used heap is read from MicroProfile Metrics every 50 ms (its maximum includes garbage
 * not yet collected, so it is bounded by the heap size), and the GC log gives the heap left after each
 * collection during the import (the live data: what would grow if the import held the file).
 * Plain main (not a test); see deploy/bench and docs/performance.md.
 */
public final class ImportBench {

    private final Path out;

    private ImportBench(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Bench.work();
        Files.createDirectories(work);
        Path out = work.resolve("import-results.txt");
        Files.deleteIfExists(out);
        int status = 0;
        try {
            new ImportBench(out).run(work);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // Ends the JVM even after a failure (the server, PostgreSQL and SMTP threads would keep it up); the hooks stop them.
        System.exit(status);
    }

    private void say(String line) {
        Bench.report(out, line);
    }

    private void run(Path work) throws Exception {
        List<Integer> sizes = Bench.intsSetting("bench.import.rows", "100000,400000,100000");
        String heap = System.getProperty("bench.import.heap", "256m");
        int timeoutMinutes = Bench.intSetting("bench.import.timeout-minutes", 30);
        Path gcLog = work.resolve("import-gc.log");
        Files.deleteIfExists(gcLog);
        say("# Import benchmark (" + java.time.OffsetDateTime.now() + ")");
        Machine.describe().forEach(this::say);

        RempartServer server = RempartServer.start("postgresql", Map.of("REMPART_DEMO", "false"),
                List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":timemillis"));
        try {
            say("server: " + Bench.payaraVersion(work) + "; " + Bench.postgresVersion(server)
                    + "; synchronous_commit=" + Bench.postgresSetting(server, "synchronous_commit") + "; server JVM -Xmx" + heap
                    + "; import batch size 500 (default)");
            String metrics = metricsPath(server);
            say("heap from GET " + metrics);
            Machine machine = Machine.watching(work.resolve("postgresql").resolve("pgdata"));
            Thread.sleep(5000);
            long idle = Bench.usedHeap(server, metrics).orElse(-1L);
            say(String.format("idle server, used heap %.0f MiB", Bench.mib(idle)));

            int first = 0;
            String[] prefixes = {"IA", "IB", "IC", "ID", "IE", "IF"};
            for (int run = 0; run < sizes.size(); run++) {
                int rows = sizes.get(run);
                Path csv = work.resolve("members-" + rows + ".csv");
                MemberCsv.write(csv, prefixes[run % prefixes.length], first, rows);
                first += rows;
                say(String.format("## %,d rows (%s, %.1f MiB)", rows, csv.getFileName(), Bench.mib(Files.size(csv))));

                AtomicBoolean polling = new AtomicBoolean(true);
                AtomicLong peak = new AtomicLong();
                AtomicLong samples = new AtomicLong();
                Thread poller = new Thread(() -> {
                    while (polling.get()) {
                        Bench.usedHeap(server, metrics).ifPresent(h -> {
                            peak.accumulateAndGet(h, Math::max);
                            samples.incrementAndGet();
                        });
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-poller");
                poller.setDaemon(true);
                poller.start();

                String tableBefore = Bench.memberTableStats(server);
                Machine.Sample before = machine.sample();
                long startedAt = System.currentTimeMillis();
                long t0 = System.nanoTime();
                HttpResponse<String> r = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/member-imports"))
                        .timeout(Duration.ofMinutes(timeoutMinutes)).header("Authorization", "Bearer " + server.token("security-admin"))
                        .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv)).build());
                double seconds = (System.nanoTime() - t0) / 1e9;
                long endedAt = System.currentTimeMillis();
                Machine.Window cpu = before.until(machine.sample());
                polling.set(false);
                poller.join(10_000);

                if (r.statusCode() != 200) {
                    say("FAILED: HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(500, r.body().length())));
                    continue;
                }
                JsonObject report = Json.createReader(new StringReader(r.body())).readObject();
                long read = report.getJsonNumber("read").longValue();
                say(String.format("report: read %d, created %d, updated %d, rejected %d%s", read, report.getInt("created"),
                        report.getInt("updated"), report.getJsonNumber("rejected").longValue(),
                        !report.containsKey("stoppedAt") || report.isNull("stoppedAt") ? "" : ", stopped: " + report.getString("stoppedAt")));
                if (report.getJsonNumber("rejected").longValue() > 0) {
                    say("first rejects: " + report.getJsonArray("rejects").stream().limit(5).toList());
                }
                say(String.format("time %.1f s: %.0f rows/s", seconds, read / seconds));
                say(String.format("used heap (metrics, %d samples ~50 ms apart): peak %.0f MiB of %s", samples.get(), Bench.mib(peak.get()), heap));
                say(Bench.gcSummary(gcLog, startedAt, endedAt));
                say("  " + cpu.describe());
                Thread.sleep(1500); // PostgreSQL's statistics are flushed about once a second
                say("  member table: " + scans(tableBefore, Bench.memberTableStats(server)));
                say(String.format("  CPU ms per 1,000 rows: server %.0f, postgres %.0f, foreign %.0f",
                        1e6 * cpu.server() / read, 1e6 * cpu.postgres() / read, 1e6 * cpu.foreign() / read));
                Files.deleteIfExists(csv);
            }
            try (var c = server.database(); var s = c.createStatement(); var rs = s.executeQuery("select count(*) from member")) {
                rs.next();
                say("members in the database: " + rs.getLong(1));
            }
            say("server alive after the imports: " + Bench.usedHeap(server, metrics).isPresent());
        } finally {
            server.close();
        }
        say("results in " + out + ", GC log in " + gcLog);
    }

    /** What PostgreSQL did with the member table during the import: scans, rows read by them, last analysis. */
    private static String scans(String before, String after) {
        String[] b = before.split(";");
        String[] a = after.split(";");
        if (a.length < 5 || b.length < 5) {
            return "no statistics";
        }
        return String.format("%,d sequential scans reading %,d rows, %,d index scans; %,d rows now; last analysed: %s (before: %s)",
                Long.parseLong(a[0]) - Long.parseLong(b[0]), Long.parseLong(a[1]) - Long.parseLong(b[1]),
                Long.parseLong(a[2]) - Long.parseLong(b[2]), Long.parseLong(a[3]), a[4], b[4]);
    }

    /** The metrics address that answers with the used heap (MicroProfile Metrics 5 or older paths). */
    private static String metricsPath(RempartServer server) {
        for (String path : List.of("/metrics?scope=base", "/metrics/base", "/metrics")) {
            if (Bench.usedHeap(server, path).isPresent()) {
                return path;
            }
        }
        throw new IllegalStateException("No used heap in the server's metrics");
    }
}
