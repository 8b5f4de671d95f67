package fr.rempart.bench;

import fr.rempart.it.Api;
import fr.rempart.it.FormClient;
import fr.rempart.it.RempartServer;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * GitHub issue 5: the OpenID Provider under load from a second process on loopback, as Keycloak is
 * measured: wrk (Debian's /usr/bin/wrk) with 2 threads and 2 connections against the real WAR on
 * Payara Micro with embedded PostgreSQL, for client_credentials grants, refresh_token grants (each
 * connection carries its own rotating chain), introspection (one token, 1,000 tokens, and more
 * distinct tokens than the provider's cache of verified tokens holds) and the JWKS.
 * <p>
 * Set-up through the public API only: the bootstrap admin client's client_credentials token
 * registers a confidential client (authorization_code, refresh_token, client_credentials) and
 * creates members with imported Argon2id hashes; each refresh window starts from fresh grants
 * obtained through the authorization-code flow with PKCE (sign-in page, then /oauth2/authorize with
 * the session, then the code at /oauth2/token), one per wrk connection: a chain cut by the end of
 * the previous window (a request wrk sent but whose answer it never read has rotated the token) is
 * never reused.
 * <p>
 * Method: a warm-up (client_credentials, refresh, introspection, JWKS), then rounds in which each
 * kind runs for a window in turn; the report gives each window (requests/s, latency percentiles from
 * wrk's HdrHistogram, non-2xx and what the scripts refused, CPU of the server, PostgreSQL and wrk
 * from /proc) and per kind the median, min and max. Then, outside the timed windows, the database
 * work per request (from pg_stat_database and pg_stat_user_tables over a sequential run of requests)
 * and a JFR profile of the server under the refresh and the client_credentials load.
 * <p>
 * Plain main (not a test); see deploy/bench-oidc and docs/performance.md. Settings ({@code -D}):
 * bench.seconds (10), bench.rounds (5), bench.warmup (60, client_credentials), bench.warmup-refresh (30),
 * bench.connections (2; wrk -t and -c alike), bench.parts (postgresql,h2), bench.h2-rounds (3),
 * bench.profile (true), bench.cached-tokens (1000), bench.uncached-tokens (12000), bench.statements (1000).
 */
public final class OidcBench {

    private static final String PASSWORD = "ciboulette-marelle-nuage-73";
    private static final String CALLBACK = "https://rp.example/cb";
    private static final String WRK = "/usr/bin/wrk";
    private static final double KEYCLOAK_MEASURED = 550;
    private static final double TARGET = 2400;
    private static final double TEN_KEYCLOAK = 5500;
    private static final Pattern WRK_RESULT = Pattern.compile("WRKRESULT (.*)");
    private static final Pattern WRK_CPU = Pattern.compile("WRKCPU (\\d+) (\\d+)");
    private static final Pattern META_REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What one wrk run measures: its script, and the label used in the report. */
    enum Kind {
        CLIENT_CREDENTIALS("client_credentials grant", "oidc-client-credentials.lua", "/oauth2/token"),
        REFRESH("refresh_token grant", "oidc-refresh.lua", "/oauth2/token"),
        INTROSPECT_ONE("introspection, 1 token", "oidc-introspect.lua", "/oauth2/introspect"),
        INTROSPECT_CACHED("introspection, 1,000 tokens", "oidc-introspect.lua", "/oauth2/introspect"),
        INTROSPECT_UNCACHED("introspection, tokens > cache", "oidc-introspect.lua", "/oauth2/introspect"),
        JWKS("JWKS", "oidc-jwks.lua", "/oauth2/jwks");

        final String label;
        final String script;
        final String path;

        Kind(String label, String script, String path) {
            this.label = label;
            this.script = script;
            this.path = path;
        }
    }

    /** One wrk run: wrk's own figures, what the script refused, and where the CPU went meanwhile. */
    record Window(Kind kind, String label, long requests, double seconds, long non2xx, long socketErrors, long scriptErrors, long extra,
                  double p50Millis, double p90Millis, double p99Millis, double maxMillis, Machine.Window cpu, double wrkCpu,
                  String loadBefore, String loadAfter, String firstError, String waited) {

        /** CPU that neither the server, PostgreSQL, wrk nor this JVM used: other programs (the machine is shared). */
        double others() {
            return Math.max(0, cpu.foreign() - (Double.isNaN(wrkCpu) ? 0 : wrkCpu));
        }

        /** Other programs took more than 5 % of the machine during the window. */
        boolean disturbed() {
            return others() > 0.05 * cpu.machineTotal();
        }


        double rate() {
            return requests / seconds;
        }

        boolean clean() {
            return non2xx == 0 && socketErrors == 0 && scriptErrors == 0;
        }

        double perRequestMillis(double cpuSeconds) {
            return requests == 0 ? Double.NaN : 1000 * cpuSeconds / requests;
        }
    }

    private final Path out;
    private final Path work;
    private final int seconds = Bench.intSetting("bench.seconds", 10);
    private final int rounds = Bench.intSetting("bench.rounds", 5);
    private final int warmup = Bench.intSetting("bench.warmup", 60);
    private final int warmupRefresh = Bench.intSetting("bench.warmup-refresh", 30);
    private final int connections = Bench.intSetting("bench.connections", 2);
    private final int h2Rounds = Bench.intSetting("bench.h2-rounds", 3);
    private final int cachedTokens = Bench.intSetting("bench.cached-tokens", 1000);
    private final int uncachedTokens = Bench.intSetting("bench.uncached-tokens", 12_000);
    private final int statements = Bench.intSetting("bench.statements", 1000);
    private final boolean profile = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
    private final List<String> parts = List.of(System.getProperty("bench.parts", "postgresql,h2").split(","));
    private final Map<String, Map<Kind, List<Window>>> results = new LinkedHashMap<>();

    // The server under test and what the set-up made on it.
    private RempartServer server;
    private Machine machine;
    private String clientId;
    private String clientSecret;
    private String basic;
    private final List<String> members = new ArrayList<>();

    private OidcBench(Path work, Path out) {
        this.work = work;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Bench.work();
        Files.createDirectories(work);
        Path out = work.resolve("oidc-results.txt");
        Files.deleteIfExists(out);
        int status = 0;
        try {
            new OidcBench(work, out).run();
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

    private void run() throws Exception {
        say("# OpenID Provider benchmark (" + java.time.OffsetDateTime.now() + ")");
        Machine.describe().forEach(this::say);
        say("wrk: " + firstLine(List.of(WRK, "--version")).replaceAll(" Usage:.*", ""));
        say(String.format("settings: wrk -t%d -c%d, %d s windows, %d rounds (H2: %d), warm-up %d s client_credentials + %d s refresh"
                        + " + %d s introspection + %d s JWKS; introspection sets of 1, %d and %d tokens",
                connections, connections, seconds, rounds, h2Rounds, warmup, warmupRefresh, seconds, seconds, cachedTokens, uncachedTokens));
        Path scripts = work.resolve("oidc-lua");
        Files.createDirectories(scripts);
        String common = resource("bench/oidc-common.lua");
        for (Kind kind : Kind.values()) {
            Files.writeString(scripts.resolve(kind.script), common + "\n" + resource("bench/" + kind.script));
        }
        Files.deleteIfExists(work.resolve("oidc-wrk.log"));
        for (String db : parts) {
            measure(db.trim(), "h2".equals(db.trim()) ? h2Rounds : rounds);
        }
        summary();
        say("results in " + out);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One server: set-up, warm-up, rounds, and (PostgreSQL) statements per request and profiles.

    private void measure(String db, int roundCount) throws Exception {
        say("");
        say("# Server on " + db);
        Path gcLog = work.resolve("oidc-gc-" + db + ".log");
        Files.deleteIfExists(gcLog);
        // Access tokens live an hour instead of five minutes: the introspection sets are made once, during the warm-up,
        // and must stay active through every round. Nothing else depends on the lifetime.
        server = RempartServer.start(db, Map.of("REMPART_OIDC_ACCESS_TOKEN_LIFETIME", "PT1H"),
                List.of("-Xlog:gc:file=" + gcLog + ":timemillis"));
        try {
            Path pgdata = server.postgresql() ? work.resolve("postgresql").resolve("pgdata") : null;
            machine = Machine.watching(pgdata);
            say("server: " + Bench.payaraVersion(work.resolve(db)) + ", JVM -Xmx768m (as the tests)"
                    + (server.postgresql() ? "; " + Bench.postgresVersion(server) + "; synchronous_commit="
                    + Bench.postgresSetting(server, "synchronous_commit") + ", fsync=" + Bench.postgresSetting(server, "fsync")
                    + ", max_connections=" + Bench.postgresSetting(server, "max_connections") : "; embedded H2 (the default without REMPART_DB_URL)"));
            say("watching: server process " + machine.seesServer() + ", postgres processes " + machine.seesPostgres()
                    + "; server pid " + serverPid().map(String::valueOf).orElse("?"));
            setUp();

            Map<Kind, List<Window>> byKind = new LinkedHashMap<>();
            results.put(db, byKind);
            say("## Warm-up (load average " + Machine.loadAverage() + ")");
            report(wrk(Kind.CLIENT_CREDENTIALS, "warm-up " + Kind.CLIENT_CREDENTIALS.label, server.postgresql() ? warmup : warmup / 2, Map.of()));
            // The refresh warm-up also collects the access tokens the introspection windows cycle through.
            Path capture = work.resolve("oidc-captured-" + db);
            for (int t = 1; t <= connections; t++) {
                Files.deleteIfExists(Path.of(capture + "." + t));
            }
            Window refreshWarmup = wrk(Kind.REFRESH, "warm-up " + Kind.REFRESH.label,
                    server.postgresql() ? warmupRefresh : Math.max(seconds, warmupRefresh / 2), Map.of("BENCH_CAPTURE", capture.toString()));
            report(refreshWarmup);
            List<String> captured = new ArrayList<>();
            for (int t = 1; t <= connections; t++) {
                Path f = Path.of(capture + "." + t);
                if (Files.exists(f)) {
                    captured.addAll(Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList());
                }
            }
            if (captured.size() < uncachedTokens) {
                say("only " + captured.size() + " access tokens from the refresh warm-up; making the rest with refresh grants");
                captured.addAll(accessTokensByRefresh(uncachedTokens - captured.size()));
            }
            // Interleave the threads' tokens so a slice of the file holds tokens of several grants.
            Path one = work.resolve("oidc-tokens-1.txt");
            Path cached = work.resolve("oidc-tokens-cached.txt");
            Path uncached = work.resolve("oidc-tokens-uncached.txt");
            Files.writeString(one, captured.get(captured.size() - 1) + "\n");
            Files.write(cached, captured.subList(0, cachedTokens));
            Files.write(uncached, captured.subList(captured.size() - uncachedTokens, captured.size()));
            say(String.format("introspection sets: 1, %d and %d distinct member access tokens (grant-bound, \"gid\"), from %d captured;"
                    + " the provider keeps up to 10,000 verified tokens", cachedTokens, uncachedTokens, captured.size()));
            Map<Kind, Map<String, String>> env = Map.of(
                    Kind.INTROSPECT_ONE, Map.of("BENCH_ACCESS_TOKENS", one.toString()),
                    Kind.INTROSPECT_CACHED, Map.of("BENCH_ACCESS_TOKENS", cached.toString()),
                    Kind.INTROSPECT_UNCACHED, Map.of("BENCH_ACCESS_TOKENS", uncached.toString()));
            report(wrk(Kind.INTROSPECT_CACHED, "warm-up " + Kind.INTROSPECT_CACHED.label, seconds, env.get(Kind.INTROSPECT_CACHED)));
            report(wrk(Kind.JWKS, "warm-up " + Kind.JWKS.label, seconds, Map.of()));

            List<Kind> kinds = server.postgresql() ? List.of(Kind.values())
                    : List.of(Kind.CLIENT_CREDENTIALS, Kind.REFRESH, Kind.INTROSPECT_CACHED, Kind.JWKS);
            long roundsStart = System.currentTimeMillis();
            for (int round = 1; round <= roundCount; round++) {
                say("## Round " + round + " (load average " + Machine.loadAverage() + ")");
                for (Kind kind : kinds) {
                    Window w = wrk(kind, kind.label, seconds, env.getOrDefault(kind, Map.of()));
                    report(w);
                    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(w);
                }
            }
            say("server GC during the rounds: " + Bench.gcSummary(gcLog, roundsStart, System.currentTimeMillis())
                    .replace("during the import", "during the rounds"));
            if (server.postgresql()) {
                databaseWork(one);
                double[] commit = Bench.commitMillis(server, 500);
                say(String.format("one-insert commits from a connection of our own: %.3f ms with synchronous_commit=off, %.3f ms with on",
                        commit[0], commit[1]));
            }
            if (profile && server.postgresql()) {
                profiles(env.get(Kind.INTROSPECT_UNCACHED));
            }
        } finally {
            server.close();
        }
    }

    /** The client, the members, and the client's Basic credentials, all through the public API. */
    private void setUp() {
        String adminBasic = basic("rempart-admin", RempartServer.ADMIN_SECRET);
        JsonObject adminGrant = json(form("/oauth2/token", adminBasic, "grant_type=client_credentials"), 200);
        String admin = adminGrant.getString("access_token");
        clientId = "bench-portal-" + System.nanoTime();
        HttpResponse<String> created = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/clients")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"" + clientId + "\",\"redirectUris\":[\"" + CALLBACK + "\"],"
                        + "\"grantTypes\":[\"authorization_code\",\"refresh_token\",\"client_credentials\"]}")).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Client not registered: " + created.statusCode() + " " + created.body());
        }
        clientSecret = Api.json(created).getString("clientSecret");
        basic = basic(clientId, clientSecret);
        members.clear();
        for (int i = 0; i < connections + 1; i++) {
            String number = Api.newMemberNumber();
            HttpResponse<String> member = Bench.send(HttpRequest.newBuilder(server.uri("/api/v1/members")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Api.member(number, number.toLowerCase(java.util.Locale.ROOT) + "@bench.example", PASSWORD)))
                    .build());
            if (member.statusCode() != 201) {
                throw new IllegalStateException("Member not created: " + member.statusCode() + " " + member.body());
            }
            members.add(number);
        }
        Tokens first = grant(members.get(0));
        say("set-up: client " + clientId + " (client_secret_basic; authorization_code, refresh_token, client_credentials), "
                + members.size() + " members with imported Argon2id hashes; a code-flow grant gives scope \"" + first.scope()
                + "\", an ID token " + (first.idToken() ? "too" : "not") + ", a refresh token rotated at each use");
    }

    /** The tokens of one authorization-code grant. */
    private record Tokens(String access, String refresh, String scope, boolean idToken) {
    }

    /**
     * A fresh grant for the member through the code flow with PKCE: sign in on the pages (a new client
     * address each time, so the per-address limit never refuses), /oauth2/authorize with that session,
     * the code exchanged at /oauth2/token.
     */
    private Tokens grant(String member) {
        FormClient browser = new FormClient(server);
        HttpResponse<String> signIn = browser.signIn(member, PASSWORD);
        if (signIn.statusCode() != 303) {
            throw new IllegalStateException("Sign-in refused: " + signIn.statusCode());
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        String state = Long.toHexString(RANDOM.nextLong());
        String authorize = "/oauth2/authorize?response_type=code&client_id=" + enc(clientId) + "&redirect_uri=" + enc(CALLBACK)
                + "&scope=" + enc("openid profile email") + "&state=" + state + "&nonce=" + Long.toHexString(RANDOM.nextLong())
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(server.uri(authorize)).GET());
        String target;
        if (back.statusCode() == 303 || back.statusCode() == 302) {
            target = back.headers().firstValue("Location").orElseThrow();
        } else {
            Matcher m = META_REFRESH.matcher(back.body());
            if (!m.find()) {
                throw new IllegalStateException("No code from /oauth2/authorize: " + back.statusCode());
            }
            target = m.group(1).replace("&amp;", "&");
        }
        Map<String, String> query = query(URI.create(target).getRawQuery());
        if (!state.equals(query.get("state")) || query.get("code") == null) {
            throw new IllegalStateException("Unexpected authorization response: " + target);
        }
        JsonObject tokens = json(form("/oauth2/token", basic, "grant_type=authorization_code&code=" + enc(query.get("code"))
                + "&redirect_uri=" + enc(CALLBACK) + "&code_verifier=" + verifier), 200);
        return new Tokens(tokens.getString("access_token"), tokens.getString("refresh_token"), tokens.getString("scope", ""),
                tokens.containsKey("id_token"));
    }

    /** Access tokens from refresh grants made here, when the warm-up captured too few. */
    private List<String> accessTokensByRefresh(int count) {
        List<String> tokens = new ArrayList<>();
        String refresh = grant(members.get(connections)).refresh();
        while (tokens.size() < count) {
            JsonObject answer = json(form("/oauth2/token", basic, "grant_type=refresh_token&refresh_token=" + refresh), 200);
            tokens.add(answer.getString("access_token"));
            refresh = answer.getString("refresh_token");
        }
        return tokens;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // wrk runs.

    /** Runs wrk for one window and reads what it and /proc say. A refresh window starts from fresh grants, one per connection. */
    private Window wrk(Kind kind, String label, int duration, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("BENCH_BASIC", Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)));
        if (kind == Kind.REFRESH && !env.containsKey("BENCH_REFRESH_TOKENS")) {
            env.put("BENCH_REFRESH_TOKENS", freshRefreshTokens().toString());
        }
        String waited = awaitQuiet();
        Path script = work.resolve("oidc-lua").resolve(kind.script);
        // bash runs wrk and then prints the CPU its reaped child used (cutime and cstime of /proc/<bash>/stat, in ticks).
        String command = String.format("%s -t%d -c%d -d%ds --timeout 10s --latency -s %s %s%s; rc=$?; read -r -a s < /proc/$$/stat; "
                        + "echo \"WRKCPU ${s[15]} ${s[16]}\"; exit $rc",
                WRK, connections, connections, duration, script, server.baseUrl(), kind.path);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().putAll(env);
        String loadBefore = Machine.loadAverage();
        Machine.Sample start = machine.sample();
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(duration + 60L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk did not end");
        }
        Machine.Window cpu = start.until(machine.sample());
        String loadAfter = Machine.loadAverage();
        Files.writeString(work.resolve("oidc-wrk.log"), "### " + label + " (" + kind + ")\n" + output + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Matcher result = WRK_RESULT.matcher(output);
        if (process.exitValue() != 0 || !result.find()) {
            throw new IllegalStateException("wrk failed (exit " + process.exitValue() + "):\n" + output);
        }
        Map<String, String> f = new HashMap<>();
        for (String pair : result.group(1).trim().split(" ")) {
            int eq = pair.indexOf('=');
            f.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        Matcher wrkCpu = WRK_CPU.matcher(output);
        double wrkSeconds = wrkCpu.find() ? (Long.parseLong(wrkCpu.group(1)) + Long.parseLong(wrkCpu.group(2))) / 100.0 : Double.NaN;
        String firstError = output.lines().filter(l -> l.startsWith("WRKFIRSTERROR ")).map(l -> l.substring(14)).findFirst().orElse("");
        long socketErrors = num(f, "connect_errors") + num(f, "read_errors") + num(f, "write_errors") + num(f, "timeouts");
        return new Window(kind, label, num(f, "requests"), num(f, "duration_us") / 1e6, num(f, "non2xx3xx"), socketErrors,
                num(f, "script_errors"), num(f, "extra"), num(f, "p50_us") / 1000.0, num(f, "p90_us") / 1000.0, num(f, "p99_us") / 1000.0,
                num(f, "max_us") / 1000.0, cpu, wrkSeconds, loadBefore, loadAfter, firstError, waited);
    }

    /** One fresh code-flow grant per connection; the file of their refresh tokens, one per line (one per wrk thread). */
    private Path freshRefreshTokens() throws IOException {
        Path file = work.resolve("oidc-refresh-tokens.txt");
        List<String> first = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            first.add(grant(members.get(c % members.size())).refresh());
        }
        Files.write(file, first);
        return file;
    }

    /**
     * The machine is shared: before each window, waits (up to a minute) until other programs use less than a
     * tenth of a core over a second; says how long it waited. Each window reports the CPU others used during it.
     */
    private String awaitQuiet() throws InterruptedException {
        long t0 = System.nanoTime();
        double others = 0;
        for (int i = 0; i < 60; i++) {
            Machine.Sample a = machine.sample();
            Thread.sleep(1000);
            Machine.Window w = a.until(machine.sample());
            others = w.foreign();
            if (others < 0.1 * w.wall()) {
                break;
            }
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        return waited > 1.5 ? String.format("waited %.0f s for other programs (%.2f CPU s in the last second)", waited, others) : "";
    }

    private static long num(Map<String, String> fields, String name) {
        return (long) Double.parseDouble(fields.getOrDefault(name, "0"));
    }

    private void report(Window w) {
        Machine.Window c = w.cpu();
        say(String.format("%-38s %8d requests in %5.2f s = %8.1f/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms; "
                        + "non-2xx %d, socket errors %d, refused by the script %d%s; CPU ms/request: server %.3f (workers %.3f, GC %.3f, JIT %.3f), "
                        + "postgres %.3f, wrk %.3f; other programs %.1f CPU s%s, idle %.1f s of %.1f; load %s -> %s%s%s",
                w.label() + ":", w.requests(), w.seconds(), w.rate(), w.p50Millis(), w.p90Millis(), w.p99Millis(), w.maxMillis(), w.non2xx(),
                w.socketErrors(), w.scriptErrors(), w.extra() > 0 ? ", access tokens captured " + w.extra() : "",
                w.perRequestMillis(c.server()), w.perRequestMillis(c.serverKinds().getOrDefault("workers", 0.0)),
                w.perRequestMillis(c.serverKinds().getOrDefault("GC", 0.0)), w.perRequestMillis(c.serverKinds().getOrDefault("JIT", 0.0)),
                w.perRequestMillis(c.postgres()), w.perRequestMillis(w.wrkCpu()), w.others(), w.disturbed() ? " (DISTURBED)" : "",
                c.machineTotal() - c.machineBusy(), c.machineTotal(), first3(w.loadBefore()), first3(w.loadAfter()),
                w.waited().isEmpty() ? "" : "; " + w.waited(), w.firstError().isEmpty() ? "" : "; FIRST ERROR: " + w.firstError()));
    }

    private static String first3(String load) {
        String[] f = load.split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : load;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Database work per request, outside the timed windows: a sequential run, and the statistics PostgreSQL keeps.

    private void databaseWork(Path oneToken) throws Exception {
        say("## Database work per request (" + statements + " sequential requests of each kind from this JVM, pg_stat deltas)");
        String token = Files.readAllLines(oneToken).get(0);
        String[] refresh = {grant(members.get(0)).refresh()};
        // A backend publishes its counters when idle, but at most once a second, and otherwise up to 10 s later:
        // every snapshot waits 12 s after the last request. The server's background work (client and key reloads)
        // is measured over an idle pause first and subtracted.
        Thread.sleep(STATS_DELAY);
        Map<String, long[]> before = pgStats();
        long t0 = System.nanoTime();
        Thread.sleep(STATS_DELAY);
        Map<String, long[]> after = pgStats();
        double idle = (System.nanoTime() - t0) / 1e9;
        long[] d0 = before.get("(database)");
        long[] d1 = after.get("(database)");
        double backgroundPerSecond = (d1[0] - d0[0] + d1[1] - d0[1]) / idle;
        say(String.format("background: %.2f transactions/s with no request (this benchmark's own statistics query included)", backgroundPerSecond));
        before = after;
        before = perRequest("refresh_token grant", before, backgroundPerSecond, () -> {
            JsonObject answer = json(form("/oauth2/token", basic, "grant_type=refresh_token&refresh_token=" + refresh[0]), 200);
            refresh[0] = answer.getString("refresh_token");
        });
        before = perRequest("client_credentials grant", before, backgroundPerSecond,
                () -> json(form("/oauth2/token", basic, "grant_type=client_credentials"), 200));
        before = perRequest("introspection (1 token)", before, backgroundPerSecond, () -> {
            if (!json(form("/oauth2/introspect", basic, "token=" + token), 200).getBoolean("active")) {
                throw new IllegalStateException("inactive");
            }
        });
        perRequest("JWKS", before, backgroundPerSecond, () -> Bench.send(HttpRequest.newBuilder(server.uri("/oauth2/jwks")).GET().build()));
    }

    private static final long STATS_DELAY = 12_000;

    /** Runs the requests, waits for PostgreSQL's counters, reports the differences per request and returns the new snapshot. */
    private Map<String, long[]> perRequest(String what, Map<String, long[]> before, double backgroundPerSecond, Runnable request) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < statements; i++) {
            request.run();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(STATS_DELAY);
        Map<String, long[]> after = pgStats();
        double window = (System.nanoTime() - t0) / 1e9 + STATS_DELAY / 1000.0; // since the previous snapshot, about
        StringBuilder s = new StringBuilder(String.format("%s: %.2f ms per request from one client; per request:", what, 1000 * elapsed / statements));
        long[] db0 = before.get("(database)");
        long[] db1 = after.get("(database)");
        double transactions = (db1[0] - db0[0] + db1[1] - db0[1] - backgroundPerSecond * window) / statements;
        s.append(String.format(" transactions %.2f (background subtracted; commits %.2f, rollbacks %.2f raw)", transactions,
                (db1[0] - db0[0]) / (double) statements, (db1[1] - db0[1]) / (double) statements));
        s.append(String.format(", rows fetched %.2f, inserted %.2f, updated %.2f", (db1[3] - db0[3]) / (double) statements,
                (db1[4] - db0[4]) / (double) statements, (db1[5] - db0[5]) / (double) statements));
        List<String> tables = new ArrayList<>();
        for (var e : after.entrySet()) {
            if (e.getKey().startsWith("(")) {
                continue;
            }
            long[] b = before.getOrDefault(e.getKey(), new long[5]);
            long[] a = e.getValue();
            double seq = (a[0] - b[0]) / (double) statements;
            double idx = (a[1] - b[1]) / (double) statements;
            double ins = (a[2] - b[2]) / (double) statements;
            double upd = (a[3] - b[3]) / (double) statements;
            double del = (a[4] - b[4]) / (double) statements;
            if (seq + idx + ins + upd + del >= 0.05) {
                tables.add(String.format("%s [index scans %.2f%s%s%s%s]", e.getKey(), idx, seq >= 0.01 ? String.format(", seq scans %.2f", seq) : "",
                        ins >= 0.01 ? String.format(", inserts %.2f", ins) : "", upd >= 0.01 ? String.format(", updates %.2f", upd) : "",
                        del >= 0.01 ? String.format(", deletes %.2f", del) : ""));
            }
        }
        s.append("; tables: ").append(tables.isEmpty() ? "none" : String.join(", ", tables));
        say(s.toString());
        return after;
    }

    /** pg_stat_database (commits, rollbacks, returned, fetched, inserted, updated) and per table scans and row changes. */
    private Map<String, long[]> pgStats() throws Exception {
        Map<String, long[]> stats = new TreeMap<>();
        try (var c = server.database(); var s = c.createStatement()) {
            try (var r = s.executeQuery("select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated "
                    + "from pg_stat_database where datname = current_database()")) {
                r.next();
                stats.put("(database)", new long[]{r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)});
            }
            try (var r = s.executeQuery("select relname, seq_scan, coalesce(idx_scan, 0), n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables")) {
                while (r.next()) {
                    stats.put(r.getString(1), new long[]{r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)});
                }
            }
        }
        return stats;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // JFR profiles of the server under load, outside the timed windows.

    /**
     * Enabling JFR's profile settings instruments JDK classes (socket and file events), which throws away
     * compiled code: the server then spends seconds recompiling. So one recording with those settings runs
     * through all the profiles, with 30 s of load first to let the JIT settle; the recordings analysed are
     * started afterwards and add no new instrumentation. It is stopped at the end and not analysed.
     */
    private void profiles(Map<String, String> uncachedEnv) throws Exception {
        Optional<Long> pid = serverPid();
        if (pid.isEmpty()) {
            say("profile: server process not found");
            return;
        }
        say("## Profiles (JFR, settings=profile; " + firstLine(List.of("jcmd", String.valueOf(pid.get()), "JFR.start", "name=oidc-settle",
                "settings=profile")) + ")");
        say("with JFR on, before the recordings analysed (the JIT recompiles what the instrumentation invalidated):");
        report(wrk(Kind.REFRESH, "JFR settling " + Kind.REFRESH.label, 15, Map.of()));
        report(wrk(Kind.CLIENT_CREDENTIALS, "JFR settling " + Kind.CLIENT_CREDENTIALS.label, 10, Map.of()));
        report(wrk(Kind.INTROSPECT_UNCACHED, "JFR settling " + Kind.INTROSPECT_UNCACHED.label, 5, uncachedEnv));
        try {
            profile(pid.get(), Kind.REFRESH, Map.of("BENCH_REFRESH_TOKENS", freshRefreshTokens().toString()));
            profile(pid.get(), Kind.CLIENT_CREDENTIALS, Map.of());
            profile(pid.get(), Kind.INTROSPECT_UNCACHED, uncachedEnv);
        } finally {
            firstLine(List.of("jcmd", String.valueOf(pid.get()), "JFR.stop", "name=oidc-settle"));
        }
    }

    private void profile(long pid, Kind kind, Map<String, String> env) throws Exception {
        int duration = 15;
        Path jfr = work.resolve("oidc-" + kind.name().toLowerCase(java.util.Locale.ROOT) + ".jfr");
        Files.deleteIfExists(jfr);
        String started = firstLine(List.of("jcmd", String.valueOf(pid), "JFR.start", "name=oidc-" + kind.name(), "duration=" + duration + "s",
                "filename=" + jfr, "settings=profile"));
        Window w = wrk(kind, "profiled " + kind.label, duration, env);
        say("## Profile: " + kind.label + " under wrk for " + duration + " s (" + started.trim() + ")");
        report(w);
        for (int i = 0; i < 60 && !(Files.exists(jfr) && Files.size(jfr) > 0); i++) {
            Thread.sleep(500);
        }
        Thread.sleep(1000);
        Path text = work.resolve(jfr.getFileName().toString().replace(".jfr", "-samples.txt"));
        Process print = new ProcessBuilder("jfr", "print", "--stack-depth", "40", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", jfr.toString())
                .redirectErrorStream(true).redirectOutput(text.toFile()).start();
        if (!print.waitFor(120, TimeUnit.SECONDS) || print.exitValue() != 0) {
            say("profile: jfr print failed, see " + text);
            return;
        }
        aggregate(text);
    }

    /** One sample of a JFR recording: its event type, thread and frames (top first, "pkg.Class.method"). */
    private record Sample(String event, String thread, List<String> frames) {
    }

    private static List<Sample> samples(Path text) throws IOException {
        List<Sample> samples = new ArrayList<>();
        String event = null;
        String thread = "";
        List<String> frames = null;
        for (String line : Files.readAllLines(text)) {
            String t = line.strip();
            if (t.startsWith("jdk.ExecutionSample") || t.startsWith("jdk.NativeMethodSample")) {
                event = t.substring(0, t.indexOf(' ') < 0 ? t.length() : t.indexOf(' '));
                thread = "";
                frames = null;
            } else if (t.startsWith("sampledThread = ")) {
                int q = t.indexOf('"');
                thread = q < 0 ? t : t.substring(q + 1, t.indexOf('"', q + 1));
            } else if (t.startsWith("stackTrace = [")) {
                frames = new ArrayList<>();
            } else if (frames != null && t.equals("]")) {
                samples.add(new Sample(event, thread, frames));
                frames = null;
            } else if (frames != null && !t.equals("...")) {
                int paren = t.indexOf('(');
                frames.add(paren < 0 ? t : t.substring(0, paren));
            }
        }
        return samples;
    }

    /** Where the request threads' samples are: own and inclusive methods, and a breakdown by the nearest known layer. */
    private void aggregate(Path text) throws IOException {
        List<Sample> all = samples(text);
        List<Sample> running = all.stream().filter(s -> s.event().equals("jdk.ExecutionSample")).toList();
        List<Sample> requests = running.stream().filter(s -> s.thread().startsWith("http-thread-pool")).toList();
        List<Sample> nativeRequests = all.stream().filter(s -> s.event().equals("jdk.NativeMethodSample") && s.thread().startsWith("http-thread-pool"))
                .toList();
        say(String.format("samples: %d Java samples (%d on the HTTP request threads), %d native-method samples of request threads (blocked in native code)",
                running.size(), requests.size(), nativeRequests.size()));
        Map<String, Long> byThread = running.stream().collect(Collectors.groupingBy(s -> s.thread().replaceAll("[0-9]+", "#"), Collectors.counting()));
        say("Java samples by thread: " + top(byThread, 8, running.size()));
        Map<String, Long> layers = requests.stream().collect(Collectors.groupingBy(s -> layer(s.frames()), Collectors.counting()));
        say("request threads by layer (the nearest non-JDK frame from the top): " + top(layers, 20, requests.size()));
        Map<String, Long> self = requests.stream().filter(s -> !s.frames().isEmpty())
                .collect(Collectors.groupingBy(s -> s.frames().get(0), Collectors.counting()));
        say("request threads, top frames (self): " + top(self, 20, requests.size()));
        Map<String, Long> inclusive = new HashMap<>();
        for (Sample s : requests) {
            s.frames().stream().filter(f -> f.startsWith("fr.rempart.")).distinct().forEach(f -> inclusive.merge(f, 1L, Long::sum));
        }
        say("request threads, Rempart methods (inclusive, within the top 40 frames): " + top(inclusive, 25, requests.size()));
        Map<String, Long> nativeTop = nativeRequests.stream().filter(s -> !s.frames().isEmpty())
                .collect(Collectors.groupingBy(s -> s.frames().get(0) + " < " + s.frames().stream().filter(f -> f.startsWith("fr.rempart.")
                        || f.startsWith("org.postgresql.")).findFirst().orElse("-"), Collectors.counting()));
        say("request threads in native code (top frame < first Rempart or driver frame): " + top(nativeTop, 8, nativeRequests.size()));
    }

    private static String layer(List<String> frames) {
        for (String f : frames) {
            if (f.startsWith("org.bouncycastle.") || f.startsWith("fr.rempart.oidc.Es256")) {
                return "ES256 (Bouncy Castle)";
            }
            if (f.startsWith("org.postgresql.") || f.startsWith("com.zaxxer.hikari.") || f.startsWith("org.h2.")) {
                return "JDBC driver and pool";
            }
            if (f.startsWith("sun.security.") || f.startsWith("javax.crypto.") || f.startsWith("java.security.") || f.startsWith("com.sun.crypto.")) {
                return "JCA (SHA-256, AES, SecureRandom)";
            }
            if (f.startsWith("org.eclipse.parsson.") || f.startsWith("jakarta.json.") || f.startsWith("org.eclipse.yasson.")
                    || f.startsWith("net.minidev.json.")) {
                return "JSON";
            }
            if (f.startsWith("com.nimbusds.")) {
                return "Nimbus JOSE (claims, parsing, serialising)";
            }
            if (f.startsWith("fr.rempart.")) {
                return "Rempart: " + f.substring("fr.rempart.".length(), f.lastIndexOf('.'));
            }
            if (f.startsWith("org.glassfish.jersey.")) {
                return "Jersey (JAX-RS)";
            }
            if (f.startsWith("org.jboss.weld.")) {
                return "Weld (CDI)";
            }
            if (f.startsWith("org.glassfish.grizzly.")) {
                return "Grizzly (HTTP)";
            }
            if (f.startsWith("org.apache.catalina.") || f.startsWith("org.apache.coyote.") || f.startsWith("com.sun.enterprise.")
                    || f.startsWith("org.glassfish.") || f.startsWith("fish.payara.")) {
                return "servlet container and Payara";
            }
        }
        return frames.isEmpty() ? "(no frames)" : "JDK only: " + frames.get(0);
    }

    private static String top(Map<String, Long> counts, int n, long total) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(n)
                .map(e -> String.format("%s %.1f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, total))).collect(Collectors.joining("; "));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Summary.

    private void summary() {
        say("");
        say("# Summary (median of the rounds' windows; min–max; p50 and p99 are the medians of the windows' percentiles)");
        for (var db : results.entrySet()) {
            say("## " + db.getKey());
            say("| what | median/s | min–max/s | p50 ms | p99 ms | non-2xx | refused by script | server CPU ms/req | postgres CPU ms/req | wrk CPU ms/req "
                    + "| disturbed windows | median of undisturbed | ÷ Keycloak 550/s | ÷ target 2,400/s | ÷ 5,500/s |");
            say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (var e : db.getValue().entrySet()) {
                List<Window> ws = e.getValue();
                double median = Bench.median(ws.stream().map(Window::rate).toList());
                List<Double> quiet = ws.stream().filter(w -> !w.disturbed()).map(Window::rate).toList();
                boolean grant = e.getKey() == Kind.CLIENT_CREDENTIALS || e.getKey() == Kind.REFRESH;
                say(String.format("| %s | %.0f | %.0f–%.0f | %.2f | %.2f | %d | %d | %.3f | %.3f | %.3f | %d of %d | %s | %s | %s | %s |", e.getKey().label,
                        median, ws.stream().mapToDouble(Window::rate).min().orElse(0), ws.stream().mapToDouble(Window::rate).max().orElse(0),
                        Bench.median(ws.stream().map(Window::p50Millis).toList()), Bench.median(ws.stream().map(Window::p99Millis).toList()),
                        ws.stream().mapToLong(Window::non2xx).sum(), ws.stream().mapToLong(Window::scriptErrors).sum(),
                        Bench.median(ws.stream().map(w -> w.perRequestMillis(w.cpu().server())).toList()),
                        Bench.median(ws.stream().map(w -> w.perRequestMillis(w.cpu().postgres())).toList()),
                        Bench.median(ws.stream().map(w -> w.perRequestMillis(w.wrkCpu())).toList()),
                        ws.stream().filter(Window::disturbed).count(), ws.size(), quiet.isEmpty() ? "–" : String.format("%.0f", Bench.median(quiet)),
                        grant ? String.format("%.2f", median / KEYCLOAK_MEASURED) : "–", grant ? String.format("%.2f", median / TARGET) : "–",
                        grant ? String.format("%.2f", median / TEN_KEYCLOAK) : "–"));
                say("RESULT " + db.getKey() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " median=" + String.format("%.1f", median)
                        + " rounds=" + ws.stream().map(w -> String.format("%.1f", w.rate())).collect(Collectors.joining(","))
                        + " clean=" + ws.stream().allMatch(Window::clean) + " disturbed=" + ws.stream().filter(Window::disturbed).count()
                        + " others-cpu-s=" + ws.stream().map(w -> String.format("%.1f", w.others())).collect(Collectors.joining(",")));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers.

    private HttpResponse<String> form(String path, String authorization, String body) {
        return Bench.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonObject json(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw new IllegalStateException("Expected " + expected + ", got " + response.statusCode() + ": " + response.body());
        }
        return Api.json(response);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OidcBench.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("No resource " + name + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Optional<Long> serverPid() {
        return ProcessHandle.current().children().filter(p -> p.info().commandLine().map(c -> c.contains("payara-micro")).orElse(false))
                .map(ProcessHandle::pid).findFirst();
    }

    private static String firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> a + " " + b).orElse("").strip();
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
