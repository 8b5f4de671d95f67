package fr.rempart.platform.cli;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code deploy/rempart rotate-master-key}: re-wraps the data keys (NIR, TOTP secrets, audit…) under a
 * new master key, given in {@code REMPART_NEW_MASTER_KEY} or generated and printed once. The
 * current key is the one the service uses ({@code REMPART_CRYPTO_MASTER_KEY}, or the local file of the
 * default run). Running nodes go on; restart them with the new key at leisure.
 */
public final class RotateMasterKey {

    private RotateMasterKey() {
    }

    public static void main(String[] args) {
        Settings settings = new Settings(new EnvironmentConfig());
        String next = System.getenv("REMPART_NEW_MASTER_KEY");
        boolean generated = next == null || next.isBlank();
        if (generated) {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            next = Base64.getEncoder().encodeToString(raw);
        }
        Database database = new Database(settings);
        try {
            database.migrate();
            Jdbc jdbc = new Jdbc(database);
            KeyRing keys = new KeyRing(settings, database, jdbc, java.time.Clock.systemUTC());
            keys.open();
            int count = keys.rewrap(next);
            System.out.println("Re-wrapped " + count + " data keys under the new master key.");
            if (settings.masterKey().isEmpty() && database.embedded()) {
                java.nio.file.Files.writeString(settings.dataDir().resolve("master.key"), next + "\n");
                System.out.println("The local master key file " + settings.dataDir().resolve("master.key") + " now holds the new key.");
            } else if (generated) {
                System.out.println("New master key (set it as REMPART_CRYPTO_MASTER_KEY on every node, keep it secret):");
                System.out.println(next);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            database.close();
        }
    }
}
