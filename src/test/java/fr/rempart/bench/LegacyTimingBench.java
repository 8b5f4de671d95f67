package fr.rempart.bench;

import fr.rempart.it.RempartServer;
import fr.rempart.password.PasswordHasher;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Can sign-in time tell which members still have an imported legacy hash? Issue 15's attacker times
 * failed sign-ins: an unknown identifier, a member with Rempart's own Argon2id hash, members imported
 * with a PBKDF2-SHA256 at 600,000 iterations and with a bcrypt at cost 10 (what the mutual's old
 * portal may have written).
 * <p>
 * One server on PostgreSQL with the parameters {@code deploy/run} uses (Argon2id 19 MiB, 2 passes),
 * no lock-out or address limit in the way (every attempt does its full work). The members are
 * imported, the server's job wraps the legacy hashes and sets its floor; then one client alternates
 * the four kinds in shuffled order, {@code bench.rounds} rounds of {@code bench.attempts} failed
 * sign-ins each, after {@code bench.warmup} seconds of the same traffic. The figure is the median
 * time of the POST /signin of each kind, and its ratio to the unknown identifier's.
 * <p>
 * For comparison, this JVM times the bare verifications, without the floor: what the old code did
 * (the legacy algorithm alone, or one Argon2id) and what a wrapped hash costs.
 * Plain main (not a test); see deploy/bench and docs/performance.md.
 */
public final class LegacyTimingBench {

    private static final String PASSWORD = "ancien portail 2019";
    private static final String WRONG = "ancien portail 2020";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final PasswordHasher.Argon2Parameters PRODUCTION = new PasswordHasher.Argon2Parameters(19_456, 2, 1);

    private final int rounds = Bench.intSetting("bench.rounds", 10);
    private final int attempts = Bench.intSetting("bench.attempts", 10);
    private final int warmup = Bench.intSetting("bench.warmup", 60);
    private final Path out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private java.net.URI signin;

    private LegacyTimingBench(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Bench.work();
        Files.createDirectories(work);
        Path out = work.resolve("legacy-timing-results.txt");
        Files.deleteIfExists(out);
        int status = 0;
        try {
            new LegacyTimingBench(out).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private void run() throws Exception {
        PasswordHasher bare = new PasswordHasher(PRODUCTION);
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put("own Argon2id", bare.hash(PASSWORD));
        hashes.put("PBKDF2-SHA256 600k", pbkdf2(PASSWORD, 600_000));
        hashes.put("bcrypt 10", com.password4j.BcryptFunction.getInstance(com.password4j.types.Bcrypt.B, 10).hash(PASSWORD).getResult());

        RempartServer server = RempartServer.start("postgresql", Map.of(
                "REMPART_SIGNIN_FREE_ATTEMPTS", "1000000000",
                "REMPART_SIGNIN_BASE_DELAY", "PT1S",
                "REMPART_SIGNIN_ADDRESS_ATTEMPTS_PER_MINUTE", "1000000",
                "REMPART_DEMO", "false"), List.of("-Xmx768m"));
        Map<String, String> stored = new LinkedHashMap<>();
        try {
            signin = server.uri("/signin");
            say("server: " + Bench.payaraVersion(Bench.work()) + "; " + Bench.postgresVersion(server) + "; Argon2id m=19456 KiB, t=2, p=1");
            Map<String, String> identifiers = new LinkedHashMap<>();
            identifiers.put("unknown identifier", null);
            int n = 0;
            for (var entry : hashes.entrySet()) {
                String number = "LT" + String.format("%06d", ++n);
                String first13 = "2840169123" + String.format("%03d", n);
                String nir = first13 + String.format("%02d", 97 - Long.parseLong(first13) % 97);
                Bench.saveMember(server, """
                        {"memberNumber":"%s","nir":"%s","lastName":"Temps","firstName":"Essai","birthDate":"14/01/1984","sex":"F",
                         "email":"%s@bench.example","passwordHash":"%s"}
                        """.formatted(number, nir, number.toLowerCase(java.util.Locale.ROOT), entry.getValue()));
                identifiers.put(entry.getKey(), number);
            }
            awaitWrapped(server);
            for (var entry : identifiers.entrySet()) {
                if (entry.getValue() != null) {
                    stored.put(entry.getKey(), storedHash(server, entry.getValue()));
                    say(String.format("stored for %-20s %s…", entry.getKey() + ":", stored.get(entry.getKey()).substring(0, 70)));
                }
            }

            List<String> kinds = new ArrayList<>(identifiers.keySet());
            say("warm-up: " + warmup + " s of the same failed sign-ins");
            long until = System.nanoTime() + warmup * 1_000_000_000L;
            int unknown = 0;
            while (System.nanoTime() < until) {
                for (String kind : kinds) {
                    signIn(identifiers.get(kind) == null ? "inconnu" + (++unknown) + "@bench.example" : identifiers.get(kind));
                }
            }
            Map<String, List<Double>> times = new LinkedHashMap<>();
            kinds.forEach(k -> times.put(k, new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(kinds);
                Collections.shuffle(order);
                for (String kind : order) {
                    for (int i = 0; i < attempts; i++) {
                        String identifier = identifiers.get(kind) == null ? "inconnu" + (++unknown) + "@bench.example" : identifiers.get(kind);
                        times.get(kind).add(signIn(identifier));
                    }
                }
            }
            double reference = Bench.median(times.get("unknown identifier"));
            say(String.format("%nFailed sign-ins over HTTP (POST /signin), %d rounds × %d per kind, shuffled:", rounds, attempts));
            say(String.format("  %-22s %10s %10s %10s %8s", "kind", "median ms", "p10 ms", "p90 ms", "÷ unknown"));
            for (String kind : kinds) {
                List<Double> sorted = times.get(kind).stream().sorted().toList();
                double median = Bench.median(sorted);
                say(String.format("  %-22s %10.1f %10.1f %10.1f %8.3f", kind, median, sorted.get(sorted.size() / 10),
                        sorted.get(sorted.size() * 9 / 10), median / reference));
            }
        } finally {
            server.close();
        }

        // The same hashes verified bare in this JVM (no floor): what the old code paid, and what wrapping adds.
        say("\nBare verifications in this JVM, no floor (median of 15 after 5 to warm up):");
        for (var entry : hashes.entrySet()) {
            say(String.format("  %-34s %8.1f ms", entry.getKey() + " as imported", bareMillis(bare, entry.getValue())));
        }
        for (var entry : stored.entrySet()) {
            if (!entry.getValue().equals(hashes.get(entry.getKey()))) {
                say(String.format("  %-34s %8.1f ms", entry.getKey() + " as the server wrapped it", bareMillis(bare, entry.getValue())));
            }
        }
    }

    /** Waits for the server's job to wrap the imported hashes and to measure its floor after that. */
    private void awaitWrapped(RempartServer server) throws SQLException, InterruptedException {
        for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; Thread.sleep(500)) {
            try (var db = server.database(); var s = db.createStatement();
                 var r = s.executeQuery("select count(*) from password_credential where legacy_pending")) {
                r.next();
                if (r.getLong(1) == 0) {
                    Thread.sleep(15_000); // the floor is measured right after the slice that wrapped them
                    return;
                }
            }
        }
        throw new IllegalStateException("legacy hashes still unwrapped after two minutes");
    }

    private static String storedHash(RempartServer server, String number) throws SQLException {
        try (var db = server.database(); var s = db.prepareStatement(
                "select hash from password_credential c join member m on m.id = c.member_id where m.member_number = ?")) {
            s.setString(1, number);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /** One failed browser sign-in from a fresh cookie jar; returns the POST's time in milliseconds. */
    private double signIn(String identifier) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(signin).timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", "198.51.100.7").GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !csrf.find()) {
            throw new IllegalStateException("GET /signin " + page.statusCode());
        }
        String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).collect(Collectors.joining("; "));
        String form = "identifier=" + enc(identifier) + "&password=" + enc(WRONG) + "&_csrf=" + enc(csrf.group(1));
        long start = System.nanoTime();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(signin).timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", "198.51.100.7").header("Cookie", cookies).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - start) / 1e6;
        if (posted.statusCode() == 303) {
            throw new IllegalStateException("a wrong password signed in");
        }
        return millis;
    }

    private static double bareMillis(PasswordHasher hasher, String stored) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            hasher.verify(WRONG, stored);
            if (i >= 5) {
                times.add((System.nanoTime() - start) / 1e6);
            }
        }
        return Bench.median(times);
    }

    private static String pbkdf2(String password, int iterations) throws Exception {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        byte[] key = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
        return "$pbkdf2-sha256$i=" + iterations + ",l=32$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void say(String line) {
        Bench.report(out, line);
    }
}
