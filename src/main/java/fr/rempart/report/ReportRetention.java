package fr.rempart.report;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/** Every hour, deletes the reports kept longer than {@code rempart.report.retention}: victims' accounts of what happened are not kept for ever. */
@ApplicationScoped
public class ReportRetention {

    private static final Logger LOG = Logger.getLogger(ReportRetention.class.getName());

    @Inject
    Clock clock;
    @Inject
    Jobs jobs;
    @Inject
    Reports reports;


    void start(@Observes Startup.Ready ready) {
        jobs.every("report-retention", Duration.ofMinutes(5), Duration.ofMinutes(60), this::run);
    }

    void run() {
        int purged = reports.purge(clock.instant());
        LOG.fine(() -> "Report retention: " + purged + " reports purged");
    }

}
