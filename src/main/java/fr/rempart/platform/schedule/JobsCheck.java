package fr.rempart.platform.schedule;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Each background job's period, last run and outcome in {@code /health} ("mail": "every PT2S, last run
 * 2026-12-07T19:00:02Z in 4 ms, ok, 1520 runs, 0 failures"). Informative: a failing job is retried and
 * does not make the node unready; operators alert on the text.
 */
@Readiness
@ApplicationScoped
public class JobsCheck implements HealthCheck {

    @Inject
    Jobs jobs;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("jobs").up();
        for (Jobs.Status s : jobs.statuses()) {
            response.withData(s.name(), "every " + s.period() + (s.lastStart() == null ? ", not run yet"
                    : ", last run " + s.lastStart() + " in " + s.lastDuration().toMillis() + " ms, " + (s.lastFailed() ? "FAILED" : "ok"))
                    + ", " + s.runs() + " runs, " + s.failures() + " failures");
        }
        return response.build();
    }
}
