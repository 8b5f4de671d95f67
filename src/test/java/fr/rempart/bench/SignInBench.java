package fr.rempart.bench;

import fr.rempart.it.RempartServer;
import fr.rempart.password.PasswordHasher;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Benchmark 1: sign-ins per second over HTTP with concurrent clients, Argon2id as configured,
 * divided by the bare hash rate measured in the same run with the same parameters.
 * <p>
 * The bare rate: {@code threads} threads of this JVM verifying a password with
 * {@link PasswordHasher} (what the server calls), for a fixed time. The sign-in rate: as many client
 * threads, each looping on a whole browser sign-in (fresh cookie jar, GET /signin for the form and its
 * CSRF cookie, POST /signin with the right password, a 303 expected), each client a member and a
 * client address of its own. Both are counted over the same window length after a ramp, and
 * alternated for several rounds so that the machine's noise falls on both alike.
 * <p>
 * Payara Micro is a large program: on 2 cores its JIT compilers need minutes of traffic before the
 * request path runs compiled, and at a dozen sign-ins a second that takes too long. So the server
 * first serves {@code bench.warmup} seconds of failed sign-ins — a wrong password for members
 * whose stored hash is a legacy PBKDF2 with 1 iteration: the same pages, filters, lookups, counters,
 * timeline and audit — then 60 s of real sign-ins, before anything is counted. Since issue 15 the
 * server wraps those hashes in Argon2id within seconds (and pads every verification to the dearest
 * stored hash while any remains), so the warm-up is no longer cheaper than a real sign-in.
 * The JIT and GC CPU of each window is reported, so what remains of the warm-up shows.
 * <p>
 * The server runs twice: with the heap the tests give it ({@code -Xmx768m}, grown on demand, "grow")
 * and with all of it committed from the start ({@code -Xms768m}, "fixed", as this benchmark's own JVM).
 * Each Argon2id verification allocates 19 MiB, so young collections come every few sign-ins and the
 * heap's sizing may show in the rate. A GC log of the server gives the collections of each window.
 * <p>
 * Besides the rates, each window counts the CPU time of this JVM, the server and PostgreSQL (from
 * /proc), so the ratio is also given by CPU time: CPU per bare hash ÷ CPU per sign-in. That one
 * holds when other programs take part of the machine during one window and not the other.
 * <p>
 * A last server with the cheapest Argon2id then measures what a sign-in costs besides the hash.
 * Plain main (not a test); see deploy/bench and docs/performance.md. Settings ({@code -D}):
 * bench.seconds (10), bench.rounds (10), bench.warmup (180), bench.threads (2),
 * bench.parts (production,cheap), bench.server-heaps (grow,fixed), bench.server-options (more JVM options
 * for the sign-in servers, space-separated).
 */
public final class SignInBench {

    private static final String PASSWORD = "cheval correct agrafe batterie 42";
    private static final String WRONG = "cheval correct agrafe batterie 43";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final PasswordHasher.Argon2Parameters PRODUCTION = new PasswordHasher.Argon2Parameters(19_456, 2, 1);
    private static final PasswordHasher.Argon2Parameters CHEAPEST = new PasswordHasher.Argon2Parameters(8, 1, 1);

    private final Path out;
    /** Members created so far: each gets a NIR of its own. */
    private int created;
    private final int seconds = Bench.intSetting("bench.seconds", 10);
    private final int rounds = Bench.intSetting("bench.rounds", 10);
    private final int warmup = Bench.intSetting("bench.warmup", 180);
    private final int threads = Bench.intSetting("bench.threads", 2);
    private final double ramp = 2.0;
    private final List<String> parts = List.of(System.getProperty("bench.parts", "production,cheap").split(","));
    private final List<String> heaps = List.of(System.getProperty("bench.server-heaps", "grow,fixed").split(","));
    /** More JVM options for the sign-in servers (space-separated), to try a GC or JIT setting. */
    private final List<String> extraServerOptions = java.util.Arrays.stream(System.getProperty("bench.server-options", "").split(" "))
            .filter(o -> !o.isBlank()).toList();

    private SignInBench(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Bench.work();
        Files.createDirectories(work);
        Path out = work.resolve("signin-results.txt");
        Files.deleteIfExists(out);
        int status = 0;
        try {
            new SignInBench(out).run(work);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // Ends the JVM even after a failure (the server, PostgreSQL and SMTP threads would keep it up); the hooks stop them.
        System.exit(status);
    }

    /** What one measurement window counted. */
    record Result(String what, long done, long other, Map<String, Long> others, double seconds, double meanMillis,
                  double meanGetMillis, double meanPostMillis, Machine.Window cpu, long commits, String gc) {

        double rate() {
            return done / seconds;
        }

        /** CPU seconds per operation of this benchmark's JVM, the server and PostgreSQL together (not other programs'). */
        double ownCpuPerOperation() {
            return (cpu.bench() + cpu.server() + cpu.postgres()) / done;
        }

        String cpuPerOperation() {
            return done == 0 ? "" : String.format("CPU ms per operation: bench JVM %.1f, server %.1f (workers %.1f, GC %.1f, JIT %.1f), postgres %.1f; foreign %.1f",
                    1000 * cpu.bench() / done, 1000 * cpu.server() / done, 1000 * cpu.serverKinds().getOrDefault("workers", 0.0) / done,
                    1000 * cpu.serverKinds().getOrDefault("GC", 0.0) / done, 1000 * cpu.serverKinds().getOrDefault("JIT", 0.0) / done,
                    1000 * cpu.postgres() / done, 1000 * cpu.foreign() / done);
        }
    }

    private void say(String line) {
        Bench.report(out, line);
    }

    private void run(Path work) throws Exception {
        say("# Sign-in benchmark (" + java.time.OffsetDateTime.now() + ")");
        Machine.describe().forEach(this::say);
        say(String.format("settings: %d threads/clients, %d s windows after a %.0f s ramp, %d rounds, %d s warm-up", threads, seconds, ramp, rounds, warmup));
        Path pgdata = work.resolve("postgresql").resolve("pgdata");
        for (String heap : heaps) {
            if (parts.contains("production")) {
                production(work, pgdata, heap);
            }
        }
        if (parts.contains("cheap")) {
            cheap(work, pgdata);
        }
        say("results in " + out);
    }

    /** The server's JVM options for a heap variant: "grow" (the tests' -Xmx768m) or "fixed" (-Xms768m as well). */
    private static List<String> heapOptions(String heap) {
        return "fixed".equals(heap) ? List.of("-Xms768m") : List.of();
    }

    private List<String> serverOptions(Path gcLog, String heap) {
        List<String> options = new ArrayList<>(heapOptions(heap));
        options.addAll(extraServerOptions);
        options.add("-Xlog:gc:file=" + gcLog + ":timemillis");
        return options;
    }

    /** Part 1: the production parameters, bare hashes and sign-ins alternated. */
    private void production(Path work, Path pgdata, String heap) throws Exception {
        List<Double> hashRates = new ArrayList<>();
        List<Double> signInRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> hashCpu = new ArrayList<>();
        List<Double> signInCpu = new ArrayList<>();
        List<Double> serverCpu = new ArrayList<>();
        Path gcLog = work.resolve("signin-gc-" + heap + ".log");
        Files.deleteIfExists(gcLog);
        String jvm = "-Xmx768m" + ("fixed".equals(heap) ? " -Xms768m" : "") + (extraServerOptions.isEmpty() ? "" : " " + String.join(" ", extraServerOptions));
        say("# Production parameters, server JVM " + jvm);
        RempartServer server = RempartServer.start("postgresql", environment(PRODUCTION), serverOptions(gcLog, heap));
        try {
            say("server: " + Bench.payaraVersion(work) + "; " + Bench.postgresVersion(server)
                    + "; synchronous_commit=" + Bench.postgresSetting(server, "synchronous_commit") + "; server JVM " + jvm + "; GC log " + gcLog);
            PasswordHasher hasher = new PasswordHasher(PRODUCTION);
            String stored = hasher.hash(PASSWORD);
            say("Argon2id parameters: " + stored.substring(0, stored.indexOf("$", stored.indexOf("m=")) + 1) + "… (server and bare alike)");
            List<String> members = members(server, hasher::hash, "BSI");
            List<String> legacyMembers = members(server, SignInBench::pbkdf2, "BSW");
            Machine machine = Machine.watching(pgdata);
            say("watching: server process " + machine.seesServer() + ", postgres processes " + machine.seesPostgres());

            say("## Warm-up");
            report(measure("JIT warm-up: wrong passwords on 1-iteration PBKDF2 hashes", warmup, signIns(server, legacyMembers, WRONG, 200), machine, server, gcLog));
            report(measure("sign-in (warm-up)", 60, signIns(server, members, PASSWORD, 303), machine, server, gcLog));
            report(measure("bare hash (warm-up)", 20, i -> verify(hasher, stored), machine, null, null));

            for (int round = 1; round <= rounds; round++) {
                say("## Round " + round + " (load average " + Machine.loadAverage() + ")");
                Result hash = measure("bare hash", seconds, i -> verify(hasher, stored), machine, null, null);
                report(hash);
                Result signIn = measure("sign-in", seconds, signIns(server, members, PASSWORD, 303), machine, server, gcLog);
                report(signIn);
                double ratio = signIn.rate() / hash.rate();
                double cpuRatio = hash.ownCpuPerOperation() / signIn.ownCpuPerOperation();
                hashRates.add(hash.rate());
                signInRates.add(signIn.rate());
                ratios.add(ratio);
                cpuRatios.add(cpuRatio);
                hashCpu.add(1000 * hash.ownCpuPerOperation());
                signInCpu.add(1000 * signIn.ownCpuPerOperation());
                serverCpu.add(1000 * signIn.cpu().server() / signIn.done());
                say(String.format("round %d ratio: %.2f sign-ins/s ÷ %.2f hashes/s = %.3f; by CPU: %.1f ms per hash ÷ %.1f ms per sign-in = %.3f",
                        round, signIn.rate(), hash.rate(), ratio, 1000 * hash.ownCpuPerOperation(), 1000 * signIn.ownCpuPerOperation(), cpuRatio));
            }
        } finally {
            server.close();
        }
        say("## Summary (production parameters m=19456 KiB, t=2, p=1; server JVM " + jvm + ")");
        say("bare hash rates /s: " + list(hashRates) + "; median " + String.format("%.2f", Bench.median(hashRates)));
        say("sign-in rates /s: " + list(signInRates) + "; median " + String.format("%.2f", Bench.median(signInRates)));
        say("ratios: " + list3(ratios) + "; median " + String.format("%.3f", Bench.median(ratios)) + " (target ≥ 0.9)");
        say("CPU ms per bare hash: " + list(hashCpu) + "; median " + String.format("%.1f", Bench.median(hashCpu)));
        say("CPU ms per sign-in (server + postgres + client): " + list(signInCpu) + "; median " + String.format("%.1f", Bench.median(signInCpu))
                + "; of which the server: median " + String.format("%.1f", Bench.median(serverCpu)));
        say("CPU ratios: " + list3(cpuRatios) + "; median " + String.format("%.3f", Bench.median(cpuRatios)));
    }

    /** Part 2: what a sign-in costs besides the hash, with the cheapest Argon2id. */
    private void cheap(Path work, Path pgdata) throws Exception {
        say("# Sign-in without the hash cost (Argon2id m=8 KiB, t=1, p=1), server JVM -Xmx768m");
        Path gcLog = work.resolve("signin-gc-cheap.log");
        Files.deleteIfExists(gcLog);
        RempartServer cheap = RempartServer.start("postgresql", environment(CHEAPEST), serverOptions(gcLog, "grow"));
        try {
            PasswordHasher hasher = new PasswordHasher(CHEAPEST);
            List<String> members = members(cheap, hasher::hash, "BSC");
            Machine machine = Machine.watching(pgdata);
            report(measure("cheap sign-in (warm-up)", warmup, signIns(cheap, members, PASSWORD, 303), machine, cheap, gcLog));
            report(measure("cheap sign-in, " + threads + " clients", 3 * seconds, signIns(cheap, members, PASSWORD, 303), machine, cheap, gcLog));
            report(measureWith(1, "cheap sign-in, 1 client", 3 * seconds, signIns(cheap, members, PASSWORD, 303), machine, cheap, gcLog));
            double[] commit = Bench.commitMillis(cheap, 500);
            say(String.format("one-insert commits from a connection of our own: %.2f ms with synchronous_commit=off, %.2f ms with on "
                    + "(a WAL flush to this machine's disk each)", commit[0], commit[1]));
        } finally {
            cheap.close();
        }
    }

    private static String list3(List<Double> values) {
        return values.stream().map(v -> String.format("%.3f", v)).collect(Collectors.joining(", "));
    }

    private static String list(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).collect(Collectors.joining(", "));
    }

    private void report(Result r) {
        StringBuilder s = new StringBuilder(String.format("%s: %d in %.1f s = %.2f/s, mean %.1f ms each", r.what(), r.done(), r.seconds(), r.rate(), r.meanMillis()));
        if (r.meanGetMillis() > 0) {
            s.append(String.format(" (GET /signin %.1f ms, POST /signin %.1f ms)", r.meanGetMillis(), r.meanPostMillis()));
        }
        if (r.other() > 0) {
            s.append("; NOT counted: ").append(r.others());
        }
        say(s.toString());
        say("  " + r.cpu().describe());
        if (r.gc() != null) {
            say("  server " + r.gc());
        }
        say("  " + r.cpuPerOperation() + (r.commits() >= 0 && r.done() > 0 ? String.format("; %.1f commits per sign-in", (double) r.commits() / r.done()) : ""));
    }

    private static Map<String, String> environment(PasswordHasher.Argon2Parameters argon2) {
        return Map.of("REMPART_PASSWORD_ARGON2_MEMORY_KIB", String.valueOf(argon2.memoryKib()),
                "REMPART_PASSWORD_ARGON2_ITERATIONS", String.valueOf(argon2.iterations()),
                "REMPART_PASSWORD_ARGON2_PARALLELISM", String.valueOf(argon2.parallelism()),
                // The JIT warm-up fails many times on the same members: no lock-out (measured sign-ins all succeed).
                "REMPART_SIGNIN_FREE_ATTEMPTS", "1000000000",
                "REMPART_SIGNIN_BASE_DELAY", "PT1S",
                // Each client signs in several times a second from its own address: no address limit here.
                "REMPART_SIGNIN_ADDRESS_ATTEMPTS_PER_MINUTE", "1000000",
                "REMPART_DEMO", "false");
    }

    /**
     * One member per client, with an imported hash of {@link #PASSWORD} (no required action); made
     * with the server's Argon2 parameters, it is never re-hashed at sign-in.
     */
    private List<String> members(RempartServer server, java.util.function.UnaryOperator<String> hash, String prefix) {
        List<String> numbers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String number = prefix + String.format("%05d", t + 1);
            String first13 = "1750169123" + String.format("%03d", ++created);
            String nir = first13 + String.format("%02d", 97 - Long.parseLong(first13) % 97);
            Bench.saveMember(server, """
                    {"memberNumber":"%s","nir":"%s","lastName":"Banc","firstName":"Essai","birthDate":"14/01/1975","sex":"M",
                     "email":"%s@bench.example","passwordHash":"%s"}
                    """.formatted(number, nir, number.toLowerCase(java.util.Locale.ROOT), hash.apply(PASSWORD)));
            numbers.add(number);
        }
        return numbers;
    }

    /** A legacy hash as an import may bring it: PBKDF2-SHA256 with 1 iteration, PHC form. */
    private static String pbkdf2(String password) {
        try {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            byte[] key = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, 1, 256)).getEncoded();
            java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
            return "$pbkdf2-sha256$i=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String verify(PasswordHasher hasher, String stored) {
        return hasher.verify(PASSWORD, stored) == PasswordHasher.Verdict.MATCH ? null : "mismatch";
    }

    /** One operation of worker {@code i}: null when it succeeded, else what happened instead. */
    interface Operation {
        String run(int worker) throws Exception;
    }

    /** An operation that also reports its parts' times (the GET and the POST of a sign-in). */
    interface Timed {
        long[] lastParts(int worker);
    }

    /**
     * Browser sign-ins, one HTTP client, member and client address per worker; each loop starts with
     * no cookies. Done when the POST answers {@code expected} (303 for the right password).
     */
    private Operation signIns(RempartServer server, List<String> members, String password, int expected) {
        class SignIns implements Operation, Timed {
            final HttpClient[] clients = new HttpClient[threads];
            final long[][] parts = new long[threads][2];

            SignIns() {
                for (int t = 0; t < threads; t++) {
                    clients[t] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
            }

            @Override
            public String run(int worker) throws IOException, InterruptedException {
                String address = "203.0.113." + (worker + 1);
                long t0 = System.nanoTime();
                HttpResponse<String> page = clients[worker].send(HttpRequest.newBuilder(server.uri("/signin")).timeout(Duration.ofSeconds(30))
                        .header("X-Forwarded-For", address).GET().build(), HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                parts[worker][0] = t1 - t0;
                if (page.statusCode() != 200) {
                    return "GET " + page.statusCode();
                }
                Matcher csrf = CSRF.matcher(page.body());
                if (!csrf.find()) {
                    return "no CSRF field";
                }
                String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).collect(Collectors.joining("; "));
                String form = "identifier=" + enc(members.get(worker)) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
                HttpResponse<String> posted = clients[worker].send(HttpRequest.newBuilder(server.uri("/signin")).timeout(Duration.ofSeconds(30))
                        .header("X-Forwarded-For", address).header("Cookie", cookies).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
                parts[worker][1] = System.nanoTime() - t1;
                return posted.statusCode() == expected ? null : "POST " + posted.statusCode();
            }

            @Override
            public long[] lastParts(int worker) {
                return parts[worker];
            }
        }
        return new SignIns();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Result measure(String what, int windowSeconds, Operation operation, Machine machine, RempartServer server, Path gcLog)
            throws InterruptedException, IOException {
        return measureWith(threads, what, windowSeconds, operation, machine, server, gcLog);
    }

    /**
     * Runs the operation in {@code workers} threads for a ramp then the window, and counts what
     * completed within the window. Bounded: workers stop at the window's end (each request times
     * out after 30 s).
     */
    private Result measureWith(int workers, String what, int windowSeconds, Operation operation, Machine machine, RempartServer server,
                               Path gcLog) throws InterruptedException, IOException {
        long start = System.nanoTime();
        long from = start + (long) (ramp * 1e9);
        long until = from + windowSeconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        AtomicLong busyNanos = new AtomicLong();
        AtomicLong getNanos = new AtomicLong();
        AtomicLong postNanos = new AtomicLong();
        Map<String, Long> others = new ConcurrentHashMap<>();
        List<Thread> pool = new ArrayList<>();
        // Workers wait for the last CPU sample before they end, so their CPU is still theirs in it.
        CountDownLatch sampled = new CountDownLatch(1);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                while (System.nanoTime() < until) {
                    long t0 = System.nanoTime();
                    String problem;
                    try {
                        problem = operation.run(worker);
                    } catch (Exception e) {
                        problem = e.getClass().getSimpleName();
                    }
                    long t1 = System.nanoTime();
                    if (t1 >= from && t1 <= until) { // counted by completion time
                        if (problem == null) {
                            done.incrementAndGet();
                            busyNanos.addAndGet(t1 - t0);
                            if (operation instanceof Timed timed) {
                                getNanos.addAndGet(timed.lastParts(worker)[0]);
                                postNanos.addAndGet(timed.lastParts(worker)[1]);
                            }
                        } else {
                            others.merge(problem, 1L, Long::sum);
                        }
                    }
                }
                try {
                    sampled.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-" + w);
            t.setDaemon(true);
            pool.add(t);
            t.start();
        }
        sleepUntil(from);
        long commitsBefore = server == null ? -1 : Bench.commits(server);
        Machine.Sample before = machine.sample();
        long fromMillis = System.currentTimeMillis();
        sleepUntil(until);
        Machine.Sample after = machine.sample();
        long untilMillis = System.currentTimeMillis();
        sampled.countDown();
        long commitsAfter = server == null ? -1 : Bench.commits(server);
        for (Thread t : pool) {
            t.join(60_000);
        }
        long n = done.get();
        long other = others.values().stream().mapToLong(Long::longValue).sum();
        return new Result(what, n, other, others, windowSeconds, n == 0 ? 0 : busyNanos.get() / 1e6 / n,
                n == 0 ? 0 : getNanos.get() / 1e6 / n, n == 0 ? 0 : postNanos.get() / 1e6 / n, before.until(after),
                commitsBefore < 0 || commitsAfter < 0 ? -1 : commitsAfter - commitsBefore,
                gcLog == null ? null : Bench.gcSummary(gcLog, fromMillis, untilMillis));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000), 0);
        }
    }
}
