package fr.rempart.oidc;

import fr.rempart.platform.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up of the provider: signing keys, then clients (so a bad client configuration fails the
 * deployment); then, on a schedule, security-event delivery (every two seconds), key rotation and
 * reload, client reload (every few seconds) and the purge of what has expired (hourly).
 */
@ApplicationScoped
public class OidcStartup {

    private static final Logger LOG = Logger.getLogger(OidcStartup.class.getName());

    @Inject
    SigningKeys keys;
    @Inject
    ClientRegistry clients;
    @Inject
    Grants grants;
    @Inject
    SecurityEventDelivery delivery;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    void start(@Observes Startup.Ready ready) {
        keys.refresh();
        clients.bootstrap();
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("security events", delivery::deliverDue), 2, 2, TimeUnit.SECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("clients", clients::reload), 10, 10, TimeUnit.SECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("signing keys", keys::refresh), 1, 1, TimeUnit.MINUTES));
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("purge", grants::purge), 5, 60, TimeUnit.MINUTES));
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Scheduled " + what + " failed; next run as planned", e);
            }
        };
    }

    private static Runnable guarded(String what, java.util.function.IntSupplier task) {
        return guarded(what, () -> {
            task.getAsInt();
        });
    }

    @PreDestroy
    void stop() {
        tasks.forEach(t -> t.cancel(false));
    }
}
