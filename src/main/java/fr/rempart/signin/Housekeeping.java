package fr.rempart.signin;

import fr.rempart.platform.Startup;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.signin.staff.StaffSessionStore;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every ten minutes, deletes expired sessions (members' and staff's), forgotten sign-in failures and spent hardening codes, so no table grows without bound. */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;
    @Inject
    SessionStore sessions;
    @Inject
    FailureCounter failures;
    @Inject
    StaffSessionStore staffSessions;
    @Inject
    HardeningProofs proofs;

    private ScheduledFuture<?> task;

    void start(@Observes Startup.Ready ready) {
        task = scheduler.scheduleWithFixedDelay(this::run, 1, 10, TimeUnit.MINUTES);
    }

    void run() {
        try {
            int expired = sessions.purge() + staffSessions.purge();
            int forgotten = failures.purge() + proofs.purge();
            LOG.fine(() -> "Housekeeping: " + expired + " sessions, " + forgotten + " failure counters removed");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Housekeeping failed; it runs again in ten minutes", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
