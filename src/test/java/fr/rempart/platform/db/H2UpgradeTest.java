package fr.rempart.platform.db;

import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment upgraded in place keeps its embedded database: the data file below was written by
 * H2 2.2.224 at V21 with one member; the H2 of the build opens it, Flyway applies only what is newer,
 * and it reads and writes as before. H2 2.3.232, 2.4.240 and 2.5.252 all passed this test, but 2.5.252
 * corrupted an index after a kill -9 in BreachListIT ("Row not found in primary index" on breach_seen,
 * the job unable to resume), so the build stays on 2.2.224 until a newer one survives that test too.
 */
class H2UpgradeTest {

    @Test
    void aDataFileWrittenByH2_2_2_224OpensMigratesAndWrites() throws Exception {
        Path dir = Files.createTempDirectory("rempart-h2-upgrade");
        Files.createDirectories(dir.resolve("db"));
        try (InputStream old = getClass().getResourceAsStream("/h2/rempart-2.2.224.mv.db")) {
            Files.copy(old, dir.resolve("db/rempart.mv.db"));
        }
        try (TestDatabase db = new TestDatabase(dir, Base64.getEncoder().encodeToString(new byte[32]))) {
            assertThat(db.jdbc.one("select h2version()", r -> r.getString(1))).contains(org.h2.engine.Constants.VERSION);
            assertThat(db.jdbc.one("select count(*) from flyway_schema_history where not success", r -> r.getInt(1))).contains(0);
            assertThat(db.jdbc.one("select count(*) from flyway_schema_history where version = '21'", r -> r.getInt(1))).contains(1);
            assertThat(db.jdbc.one("select c.hash from password_credential c join member m on m.id = c.member_id where m.member_number = '20261207'",
                    r -> r.getString(1))).isPresent().get().asString().startsWith("$argon2id$");
            // Written by today's version in the old file: a new member and its credential.
            var added = db.insertMember();
            db.jdbc.update("insert into password_credential (member_id, hash, updated_at, legacy_pending) values (?, 'x', current_timestamp, false)", added.value());
            assertThat(db.jdbc.one("select count(*) from member", r -> r.getInt(1))).contains(2);
        }
    }
}
