package fr.rempart.signin;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.signin.staff.StaffSessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.logging.Logger;

/** Every ten minutes, deletes expired sessions (members' and staff's), forgotten sign-in failures and spent hardening codes, so no table grows without bound. */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Inject
    Jobs jobs;
    @Inject
    SessionStore sessions;
    @Inject
    FailureCounter failures;
    @Inject
    StaffSessionStore staffSessions;
    @Inject
    HardeningProofs proofs;


    void start(@Observes Startup.Ready ready) {
        jobs.every("housekeeping", Duration.ofMinutes(1), Duration.ofMinutes(10), this::run);
    }

    void run() {
        int expired = sessions.purge() + staffSessions.purge();
        int forgotten = failures.purge() + proofs.purge();
        LOG.fine(() -> "Housekeeping: " + expired + " sessions, " + forgotten + " failure counters removed");
    }

}
