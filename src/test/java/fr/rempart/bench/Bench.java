package fr.rempart.bench;

import fr.rempart.it.RempartServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What both benchmarks share: settings, the report file, small HTTP and database helpers. */
final class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    private Bench() {
    }

    /** Where the servers and results go ({@code -Drempart.it.work}, target/bench by default). */
    static Path work() {
        if (System.getProperty("rempart.it.work") == null) {
            System.setProperty("rempart.it.work", "target/bench");
        }
        return Path.of(System.getProperty("rempart.it.work")).toAbsolutePath();
    }

    static int intSetting(String name, int fallback) {
        return Integer.parseInt(System.getProperty(name, String.valueOf(fallback)));
    }

    static List<Integer> intsSetting(String name, String fallback) {
        return Arrays.stream(System.getProperty(name, fallback).split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /** Prints a line and appends it to the report file. */
    static void report(Path file, String line) {
        System.out.println(line);
        System.out.flush();
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates (or updates) a member through the admin API: a JSON body as the API takes it. */
    static void saveMember(RempartServer server, String json) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri("/api/v1/members")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + server.token("security-admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new IllegalStateException("Member not saved: " + r.statusCode() + " " + r.body());
        }
    }

    /** "PostgreSQL 16.x on …" from the server's database. */
    static String postgresVersion(RempartServer server) {
        try (var c = server.database(); var s = c.createStatement(); var r = s.executeQuery("select version()")) {
            r.next();
            return r.getString(1);
        } catch (SQLException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    static String postgresSetting(RempartServer server, String name) {
        try (var c = server.database(); var s = c.prepareStatement("select current_setting(?)")) {
            s.setString(1, name);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        } catch (SQLException e) {
            return "?";
        }
    }

    /** Transactions committed so far in the server's database (pg_stat_database, refreshed about once a second). */
    static long commits(RempartServer server) {
        try (var c = server.database(); var s = c.createStatement();
             var r = s.executeQuery("select xact_commit from pg_stat_database where datname = current_database()")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Milliseconds per small committed transaction (one insert) from a connection of our own, with
     * synchronous_commit off (the embedded server's setting) and on (PostgreSQL's default: the commit
     * waits for its WAL flush to disk).
     */
    static double[] commitMillis(RempartServer server, int commits) {
        try (var c = server.database(); var s = c.createStatement()) {
            s.execute("create temporary table bench_commit (n int)");
            c.setAutoCommit(true);
            // Alternated three times, the best of each kept: the first batch also warms the connection up.
            double[] millis = {Double.MAX_VALUE, Double.MAX_VALUE};
            for (int pass = 0; pass < 6; pass++) {
                int sync = pass % 2;
                s.execute("set synchronous_commit = " + (sync == 0 ? "off" : "on"));
                try (var insert = c.prepareStatement("insert into bench_commit values (?)")) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < commits; i++) {
                        insert.setInt(1, i);
                        insert.executeUpdate();
                    }
                    millis[sync] = Math.min(millis[sync], (System.nanoTime() - t0) / 1e6 / commits);
                }
            }
            return millis;
        } catch (SQLException e) {
            return new double[]{-1, -1};
        }
    }

    /** The member table's scans and rows so far, and when it was last analysed (pg_stat_user_tables, refreshed about once a second). */
    static String memberTableStats(RempartServer server) {
        try (var c = server.database(); var s = c.createStatement(); var r = s.executeQuery(
                "select seq_scan, seq_tup_read, idx_scan, n_live_tup, coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never') "
                        + "from pg_stat_user_tables where relname = 'member'")) {
            return r.next() ? r.getLong(1) + ";" + r.getLong(2) + ";" + r.getLong(3) + ";" + r.getLong(4) + ";" + r.getString(5) : "?";
        } catch (SQLException e) {
            return "?";
        }
    }

    /** The Payara Micro version from the server's log ("Payara Micro 6.2025.10 (build 42)"). */
    static String payaraVersion(Path work) {
        try (var files = Files.walk(work, 2)) {
            Pattern version = Pattern.compile("Payara Micro \\d[\\w.\\-]* \\(build \\d+\\)");
            for (Path log : files.filter(p -> p.getFileName().toString().startsWith("payara-") && p.toString().endsWith(".log")).toList()) {
                Matcher m = version.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group().trim();
                }
            }
        } catch (IOException ignored) {
            // reported as unknown
        }
        return "?";
    }

    private static final Pattern USED_HEAP = Pattern.compile("(?m)^[^#\\n]*memory_usedHeap_bytes(?:\\{[^}]*})?\\s+([0-9.Ee+\\-]+)");

    /** The server's used heap in bytes, from MicroProfile Metrics (base scope). */
    static Optional<Long> usedHeap(RempartServer server, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = USED_HEAP.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Optional.of((long) Double.parseDouble(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static final Pattern GC = Pattern.compile("^\\[(\\d+)ms].*?(\\d+)M->(\\d+)M\\((\\d+)M\\)\\s+([0-9.]+)ms");

    /** Collections during [from, to] (epoch ms): count, pause time, heap before and after (the live data). */
    static String gcSummary(Path gcLog, long from, long to) throws IOException {
        long count = 0;
        double pauses = 0;
        long maxBefore = 0;
        long maxAfter = 0;
        long minAfter = Long.MAX_VALUE;
        long heapSize = 0;
        boolean full = false;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (!m.find()) {
                continue;
            }
            long at = Long.parseLong(m.group(1));
            if (at < from || at > to) {
                continue;
            }
            count++;
            full |= line.contains("Pause Full");
            pauses += Double.parseDouble(m.group(5));
            maxBefore = Math.max(maxBefore, Long.parseLong(m.group(2)));
            long after = Long.parseLong(m.group(3));
            maxAfter = Math.max(maxAfter, after);
            minAfter = Math.min(minAfter, after);
            heapSize = Math.max(heapSize, Long.parseLong(m.group(4)));
        }
        return count == 0 ? "GC log: no collection during the import" : String.format(
                "GC log: %d pauses (%.0f ms in all%s); heap after GC %d–%d MiB (max before GC %d MiB, heap size up to %d MiB)",
                count, pauses, full ? ", some FULL" : "", minAfter, maxAfter, maxBefore, heapSize);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
