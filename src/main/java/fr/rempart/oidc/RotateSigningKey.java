package fr.rempart.oidc;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.cli.EnvironmentConfig;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;

import java.time.Duration;

/**
 * {@code deploy/rempart rotate-signing-key [--prepublish]}: replaces the provider's signing keys (every
 * configured algorithm). Without {@code --prepublish} the new keys sign at once — for a key that may
 * have leaked; with it they sign in ten minutes, after relying parties have fetched them. The old
 * keys stay published until the tokens they signed expire. Running nodes pick the change up
 * within a minute.
 */
public final class RotateSigningKey {

    private RotateSigningKey() {
    }

    public static void main(String[] args) {
        Settings settings = new Settings(new EnvironmentConfig());
        boolean prepublish = args.length > 0 && "--prepublish".equals(args[0]);
        Database database = new Database(settings);
        try {
            database.migrate();
            Jdbc jdbc = new Jdbc(database);
            KeyRing keyRing = new KeyRing(settings, database, jdbc);
            keyRing.open();
            SigningKeys keys = new SigningKeys(jdbc, keyRing, settings, new AuditTrail(keyRing, jdbc));
            for (String alg : settings.oidcSigningAlgorithms()) {
                String kid = keys.rotate(alg, prepublish ? SigningKeys.PREPUBLISH : Duration.ZERO, new Actor("operator", System.getProperty("user.name")),
                        "rotate-signing-key command");
                System.out.println(alg + ": new key " + kid + (prepublish ? " (signs in 10 minutes)" : " (signs now)"));
            }
        } finally {
            database.close();
        }
    }
}
