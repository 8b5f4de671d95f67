package fr.rempart.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real thing for integration tests: the built WAR on Payara Micro, started once per test JVM
 * as a child process on a free loopback port, against PostgreSQL (embedded, from Maven-shipped
 * binaries) or the embedded H2 default, as the failsafe execution says ({@code rempart.it.db}).
 * Also a test token issuer: an EC key whose JWKS file the server trusts as issuer "test".
 */
public final class RempartServer {

    public static final String ISSUER = "https://issuer.test.invalid";
    /** The bootstrap admin client's secret (rempart.bootstrap.admin-client-secret). */
    public static final String ADMIN_SECRET = "it-admin-secret-0123456789-abcdefghijklmnop";
    public static final String CONFIGURED_CLIENT_SECRET = "it-configured-client-secret-0123456789abcdef";
    private static RempartServer instance;

    private final String db;
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private final Path work;
    private final ECKey issuerKey;
    private final String masterKey;
    private EmbeddedPostgres postgres;
    /** The PostgreSQL run sends mail to a real SMTP server; the H2 run writes .eml files, the default without SMTP. */
    private com.icegreen.greenmail.util.GreenMail smtp;
    /** The staff's external identity provider (the staff sign-in's "Se connecter avec Annuaire"). */
    private final FakeIdentityProvider idp;
    private Process process;
    private int port;
    private Path log;

    public static synchronized RempartServer get() {
        if (instance == null) {
            instance = new RempartServer(System.getProperty("rempart.it.db", "postgresql"), Map.of(), List.of());
            // Registered before the start: a server that never gets ready is stopped too.
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
            instance.start();
        }
        return instance;
    }

    /**
     * A server of its own, apart from the one the tests share (benchmarks): on {@code db}
     * ("postgresql" or "h2"), with these environment variables over the test ones and these JVM
     * options after the defaults (a later {@code -Xmx} wins). One at a time per {@code db}: they share
     * the work directory. Stopped by {@link #close()}, or when the JVM ends.
     */
    public static RempartServer start(String db, Map<String, String> overrides, List<String> jvmOptions) {
        RempartServer server = new RempartServer(db, overrides, jvmOptions);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.start();
        return server;
    }

    /** Stops a server from {@link #start(String, Map, List)}, its database and its SMTP server. */
    public void close() {
        stop();
    }

    private RempartServer(String db, Map<String, String> overrides, List<String> jvmOptions) {
        this.db = db;
        this.overrides = Map.copyOf(overrides);
        this.jvmOptions = List.copyOf(jvmOptions);
        try {
            work = Path.of(System.getProperty("rempart.it.work", "target/it")).resolve(db).toAbsolutePath();
            deleteTree(work);
            Files.createDirectories(work);
            issuerKey = new ECKeyGenerator(Curve.P_256).keyID("test-1").generate();
            Files.writeString(work.resolve("jwks.json"), new JWKSet(issuerKey.toPublicJWK()).toString());
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            masterKey = Base64.getEncoder().encodeToString(key);
            idp = new FakeIdentityProvider();
            if (postgresql()) {
                smtp = new com.icegreen.greenmail.util.GreenMail(new com.icegreen.greenmail.util.ServerSetup(freePort(), "127.0.0.1", "smtp"));
                smtp.start();
                postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                        .setDataDirectory(work.resolve("pgdata")).setCleanDataDirectory(true).start();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot prepare the test server", e);
        }
    }

    /**
     * Runs an operator command (a main class of the WAR, as {@code deploy/rempart} does) with the
     * server's configuration: same database, data directory and master key. Returns its exit status
     * and output.
     */
    public java.util.Map.Entry<Integer, String> command(String mainClass, String... args) throws IOException, InterruptedException {
        Path war = Path.of(System.getProperty("rempart.it.war", "target/ROOT.war")).toAbsolutePath().getParent();
        java.util.List<String> line = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", war.resolve("ROOT/WEB-INF/classes") + java.io.File.pathSeparator + war.resolve("ROOT/WEB-INF/lib/*")
                        + java.io.File.pathSeparator + war.resolve("command-lib/*"), mainClass));
        line.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().putAll(environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return java.util.Map.entry(process.exitValue(), output);
    }

    /** The server's data directory (its outbox of .eml files when no SMTP server is set). */
    public Path dataDir() {
        return work.resolve("data");
    }

    /** The SMTP server the service sends to (PostgreSQL runs), or empty when it writes .eml files. */
    public java.util.Optional<com.icegreen.greenmail.util.GreenMail> smtp() {
        return java.util.Optional.ofNullable(smtp);
    }

    public boolean postgresql() {
        return "postgresql".equals(db);
    }

    FakeIdentityProvider identityProvider() {
        return idp;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    /** A direct connection to the server's PostgreSQL database (PostgreSQL runs only; H2 is locked by the server). */
    public Connection database() throws SQLException {
        if (!postgresql()) {
            throw new IllegalStateException("Direct database access exists only with PostgreSQL");
        }
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
    }

    /** An access token from the trusted test issuer with these groups. */
    public String token(String... groups) {
        return token(claims(groups).build());
    }

    public JWTClaimsSet.Builder claims(String... groups) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("rempart").subject("it-" + String.join("-", groups))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString()).claim("groups", List.of(groups));
    }

    public String token(JWTClaimsSet claims) {
        return sign(claims, issuerKey);
    }

    public static String sign(JWTClaimsSet claims, ECKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(new JOSEObjectType("at+jwt")).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void restart() {
        stopServer();
        start();
    }

    /** Kills the server (SIGKILL: no shutdown, transactions cut where they are), then starts it again. */
    public synchronized void crash() {
        if (process != null && process.isAlive()) {
            try {
                process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        start();
    }

    private void start() {
        try {
            port = freePort();
            log = work.resolve("payara-" + port + ".log");
            Path preboot = work.resolve("preboot.asadmin");
            Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1\n");
            // A fresh Payara root per start: a reused one redeploys the previous run's application beside ours.
            List<String> command = new ArrayList<>(List.of("java", "-Xmx768m", "-Dhazelcast.socket.bind.any=false"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", System.getProperty("rempart.it.payara", "target/payara-micro.jar"),
                    "--deploy", System.getProperty("rempart.it.war", "target/ROOT.war"), "--contextroot", "/",
                    "--port", String.valueOf(port), "--nocluster", "--interfaces", "127.0.0.1",
                    "--rootdir", work.resolve("payara-" + port).toString(), "--prebootcommandfile", preboot.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment());
            process = builder.start();
            awaitReady();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("REMPART_DATA_DIR", work.resolve("data").toString());
        env.put("REMPART_CRYPTO_MASTER_KEY", masterKey);
        env.put("REMPART_DEMO", "true");
        env.put("REMPART_PUBLIC_URL", baseUrl());
        env.put("REMPART_BOOTSTRAP_ADMIN_CLIENT_SECRET", ADMIN_SECRET);
        env.put("REMPART_SSF_RETRY_BASE", "PT1S");
        env.put("REMPART_BREACH_MAX_UPLOAD_BYTES", String.valueOf(64L * 1024 * 1024)); // the oversized-list test sends 70 MiB, not 8 GiB
        // A client registered by configuration, as an operator would (OidcIT uses it).
        env.put("REMPART_OIDC_CLIENTS", "configured");
        env.put("REMPART_OIDC_CLIENT_CONFIGURED_SECRET", CONFIGURED_CLIENT_SECRET);
        env.put("REMPART_OIDC_CLIENT_CONFIGURED_AUTH_METHOD", "client_secret_post");
        env.put("REMPART_OIDC_CLIENT_CONFIGURED_REDIRECT_URIS", "https://configured.example/cb");
        env.put("REMPART_OIDC_CLIENT_CONFIGURED_GRANT_TYPES", "authorization_code,client_credentials");
        env.put("REMPART_OIDC_CLIENT_CONFIGURED_GROUPS", "helpdesk-supervisor");
        env.put("REMPART_STAFF_IDP_ISSUER", idp.issuer());
        env.put("REMPART_STAFF_IDP_CLIENT_ID", FakeIdentityProvider.CLIENT_ID);
        env.put("REMPART_STAFF_IDP_CLIENT_SECRET", FakeIdentityProvider.CLIENT_SECRET);
        env.put("REMPART_STAFF_IDP_NAME", "Annuaire");
        env.put("REMPART_API_ISSUERS", "test,corp");
        env.put("REMPART_API_ISSUER_TEST_URL", ISSUER);
        env.put("REMPART_API_ISSUER_TEST_JWKS_URI", work.resolve("jwks.json").toUri().toString());
        // The staff directory is also trusted for the API, as the mutual's tools would use it: its tokens are the staff it signed in.
        env.put("REMPART_API_ISSUER_CORP_URL", idp.issuer());
        env.put("REMPART_API_ISSUER_CORP_JWKS_URI", idp.issuer() + "/jwks");
        // Tests stand for many clients behind a proxy: each sets its own X-Forwarded-For.
        env.put("REMPART_HTTP_TRUST_FORWARDED_HEADERS", "true");
        env.put("REMPART_SIGNIN_FREE_ATTEMPTS", "3");
        env.put("REMPART_SIGNIN_BASE_DELAY", "PT30S");
        env.put("REMPART_SIGNIN_ADDRESS_ATTEMPTS_PER_MINUTE", "20");
        // Faster hashing in tests; the benchmark measures the production parameters.
        env.put("REMPART_PASSWORD_ARGON2_MEMORY_KIB", "8192");
        env.put("REMPART_PASSWORD_ARGON2_ITERATIONS", "1");
        if (smtp != null) {
            env.put("REMPART_SMTP_HOST", "127.0.0.1");
            env.put("REMPART_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()));
            env.put("REMPART_SMTP_STARTTLS", "false");
        }
        if (postgresql()) {
            env.put("REMPART_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("REMPART_DB_USER", "postgres");
            env.put("REMPART_DB_PASSWORD", "postgres");
        }
        env.putAll(overrides);
        return env;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited; see " + log);
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                // Readiness can be UP a moment before the web module serves its pages: wait for both.
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")
                        && client.send(HttpRequest.newBuilder(uri("/signin")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500); // the server (another process) works in the background: poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Rempart not ready after 180 s; see " + log);
    }

    private synchronized void stopServer() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stop() {
        stopServer();
        idp.stop();
        if (smtp != null) {
            smtp.stop();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is ending
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
