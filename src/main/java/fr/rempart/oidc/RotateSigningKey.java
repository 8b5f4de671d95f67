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
 * {@code deploy/rempart rotate-signing-key [--prepublish | --compromised]}: replaces the provider's
 * signing keys (every configured algorithm). By default the new keys sign at once and the old ones
 * stay published until the tokens they signed expire; with {@code --prepublish} the new keys sign in
 * ten minutes, after relying parties have fetched them; with {@code --compromised} the old keys are
 * withdrawn at once and everything they signed stops verifying. Running nodes follow within a minute.
 */
public final class RotateSigningKey {

    private RotateSigningKey() {
    }

    public static void main(String[] args) {
        Settings settings = new Settings(new EnvironmentConfig());
        java.util.List<String> options = java.util.List.of(args);
        boolean prepublish = options.contains("--prepublish");
        boolean compromised = options.contains("--compromised");
        Database database = new Database(settings);
        try {
            database.migrate();
            Jdbc jdbc = new Jdbc(database);
            KeyRing keyRing = new KeyRing(settings, database, jdbc, java.time.Clock.systemUTC());
            keyRing.open();
            SigningKeys keys = new SigningKeys(jdbc, keyRing, settings, new AuditTrail(keyRing, jdbc, java.time.Clock.systemUTC()), java.time.Clock.systemUTC());
            for (String alg : settings.oidcSigningAlgorithms()) {
                String kid = keys.rotate(alg, prepublish && !compromised ? SigningKeys.PREPUBLISH : Duration.ZERO, compromised,
                        new Actor("operator", System.getProperty("user.name")), "rotate-signing-key command");
                System.out.println(alg + ": new key " + kid + (prepublish && !compromised ? " (signs in 10 minutes)" : " (signs now)")
                        + (compromised ? "; the old keys are withdrawn and what they signed no longer verifies" : ""));
            }
        } finally {
            database.close();
        }
    }
}
