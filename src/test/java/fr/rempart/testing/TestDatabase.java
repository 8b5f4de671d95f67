package fr.rempart.testing;

import fr.rempart.platform.config.MapConfig;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The persistence stack of the service, without the server: the embedded H2 file database in a
 * temporary directory, migrated by the same Flyway scripts, with its key ring open.
 */
public final class TestDatabase implements AutoCloseable {

    public final Path dir;
    public final Settings settings;
    public final Database database;
    public final Jdbc jdbc;
    public final KeyRing keys;

    public TestDatabase(String... settings) throws Exception {
        this(Files.createTempDirectory("rempart-db"), Base64.getEncoder().encodeToString(new byte[32]), settings);
    }

    public TestDatabase(Path dir, String masterKey, String... extra) {
        this.dir = dir;
        List<String> all = new ArrayList<>(List.of("rempart.data.dir", dir.toString(), "rempart.crypto.master-key", masterKey));
        all.addAll(List.of(extra));
        this.settings = MapConfig.settings(all.toArray(String[]::new));
        this.database = new Database(settings);
        database.migrate();
        this.jdbc = new Jdbc(database);
        this.keys = new KeyRing(settings, database, jdbc, java.time.Clock.systemUTC());
        keys.open();
    }

    /** A member row with just what the schema requires, for tests of what hangs off a member. */
    public fr.rempart.member.MemberId insertMember() {
        fr.rempart.member.MemberId id = fr.rempart.member.MemberId.random();
        String number = Long.toString(Math.abs(id.value().getMostSignificantBits()) % 1_000_000_000_000L, 36).toUpperCase();
        jdbc.update("insert into member (id, member_number, nir_cipher, nir_index, nir_masked, last_name, first_name, last_name_key, "
                        + "birth_date, sex, language, required_actions, created_at, updated_at) values (?, ?, ?, ?, ?, 'Test', 'Test', 'TEST', ?, 'F', 'fr', '', ?, ?)",
                id.value(), (number + "000000").substring(0, 8), new byte[]{0}, id.toString(), "2 84 05 ** *** *** 32",
                java.time.LocalDate.of(1984, 5, 12), java.time.Instant.now(), java.time.Instant.now());
        return id;
    }

    @Override
    public void close() {
        database.close();
    }
}
