package fr.rempart.platform;

import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Start-up in order: schema migrations, then the data keys, then whoever observes {@link Ready}
 * (demo data, schedulers). A failure here fails the deployment, and {@code /health/ready} stays down.
 */
@ApplicationScoped
public class Startup {

    /** Fired once the schema and the keys are ready. */
    public record Ready() {
    }

    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    Database database;
    @Inject
    KeyRing keys;
    @Inject
    Event<Ready> ready;
    @Inject
    fr.rempart.platform.config.Settings settings;
    @Inject
    fr.rempart.platform.api.TrustedIssuers issuers;

    private volatile boolean started;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        settings.validate();
        database.migrate();
        keys.open();
        LOG.info(() -> "Trusted token issuers: " + issuers.count());
        ready.fire(new Ready());
        started = true;
        LOG.info("Rempart is ready");
    }

    public boolean started() {
        return started;
    }
}
