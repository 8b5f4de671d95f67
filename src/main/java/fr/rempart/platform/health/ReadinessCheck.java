package fr.rempart.platform.health;

import fr.rempart.platform.Startup;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when start-up finished (schema migrated, keys open) and the database answers now. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    Startup startup;
    @Inject
    Jdbc jdbc;

    @Override
    public HealthCheckResponse call() {
        boolean database;
        try {
            database = jdbc.one("select 1", r -> r.getInt(1)).orElse(0) == 1;
        } catch (RuntimeException e) {
            database = false;
        }
        return HealthCheckResponse.named("rempart").status(startup.started() && database)
                .withData("started", startup.started()).withData("database", database).build();
    }
}
