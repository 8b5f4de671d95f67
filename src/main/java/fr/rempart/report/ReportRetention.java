package fr.rempart.report;

import fr.rempart.platform.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every hour, deletes the reports kept longer than {@code rempart.report.retention}: victims' accounts of what happened are not kept for ever. */
@ApplicationScoped
public class ReportRetention {

    private static final Logger LOG = Logger.getLogger(ReportRetention.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;
    @Inject
    Reports reports;

    private ScheduledFuture<?> task;

    void start(@Observes Startup.Ready ready) {
        task = scheduler.scheduleWithFixedDelay(this::run, 5, 60, TimeUnit.MINUTES);
    }

    void run() {
        try {
            int purged = reports.purge(Instant.now());
            LOG.fine(() -> "Report retention: " + purged + " reports purged");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Purging old reports failed; it runs again in an hour", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
