package fr.rempart.oidc;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Start-up of the provider: signing keys, then clients (so a bad client configuration fails the
 * deployment); then, as jobs of the registry ({@link Jobs}), security-event delivery (every two seconds), key rotation and
 * reload, client reload (every few seconds) and the purge of what has expired (hourly).
 */
@ApplicationScoped
public class OidcStartup {

    @Inject
    SigningKeys keys;
    @Inject
    ClientRegistry clients;
    @Inject
    Grants grants;
    @Inject
    SecurityEventDelivery delivery;
    @Inject
    Jobs jobs;

    void start(@Observes Startup.Ready ready) {
        keys.refresh();
        clients.bootstrap();
        jobs.every("security-events", Duration.ofSeconds(2), Duration.ofSeconds(2), () -> delivery.deliverDue());
        jobs.every("oidc-clients", Duration.ofSeconds(10), Duration.ofSeconds(10), clients::reload);
        jobs.every("signing-keys", Duration.ofMinutes(1), Duration.ofMinutes(1), keys::refresh);
        jobs.every("oidc-purge", Duration.ofMinutes(5), Duration.ofMinutes(60), grants::purge);
    }
}
