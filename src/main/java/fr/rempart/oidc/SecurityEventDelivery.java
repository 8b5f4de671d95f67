package fr.rempart.oidc;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Push delivery of Security Event Tokens (RFC 8935): each due SET is POSTed as
 * {@code application/secevent+jwt}; 202 means delivered. A receiver that is down or slow gets it
 * again later (backoff doubling up to an hour); a receiver that rejects it with 400 (§2.3) gets it
 * no more. The outbox is in the database: a restart loses nothing.
 */
@ApplicationScoped
public class SecurityEventDelivery {

    private static final Logger LOG = Logger.getLogger(SecurityEventDelivery.class.getName());
    private static final int BATCH = 100;

    record Due(long id, String clientId, String claims, int attempts, Instant due) {
    }

    private static final Duration CLAIM = Duration.ofMinutes(2);

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    ClientRegistry clients;
    @Inject
    Settings settings;
    @Inject
    Tokens tokens;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Sends what is due; returns how many were delivered. */
    public int deliverDue() {
        Instant now = clock.instant();
        List<Due> due = jdbc.list("select id, client_id, claims, attempts, next_attempt_at from oidc_security_event where delivery = 'push' "
                        + "and delivered_at is null and next_attempt_at <= ? and attempts < ? order by id fetch first " + BATCH + " rows only",
                r -> new Due(r.getLong(1), r.getString(2), r.getString(3), r.getInt(4), Jdbc.instant(r, "next_attempt_at")), now,
                settings.ssfMaxAttempts());
        int delivered = 0;
        for (Due set : due) {
            // Claimed first: of several nodes, only the one whose update succeeds sends it.
            if (jdbc.update("update oidc_security_event set next_attempt_at = ? where id = ? and delivered_at is null and next_attempt_at = ?",
                    now.plus(CLAIM), set.id(), set.due()) == 1) {
                delivered += push(set) ? 1 : 0;
            }
        }
        return delivered;
    }

    private boolean push(Due set) {
        OidcClient receiver = clients.find(set.clientId()).filter(c -> "push".equals(c.eventsDelivery())).orElse(null);
        if (receiver == null) {
            fail(set, "receiver no longer registered for push", true);
            return false;
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(receiver.eventsEndpoint())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/secevent+jwt").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(tokens.signSecurityEvent(set.claims())));
            if (receiver.eventsAuthorization() != null) {
                request.header("Authorization", receiver.eventsAuthorization());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202 || response.statusCode() == 200) {
                jdbc.update("update oidc_security_event set delivered_at = ?, attempts = attempts + 1, last_error = null where id = ?",
                        clock.instant(), set.id());
                return true;
            }
            String body = response.body() == null ? "" : response.body();
            fail(set, "HTTP " + response.statusCode() + " " + (body.length() > 300 ? body.substring(0, 300) : body), response.statusCode() == 400);
        } catch (Exception e) {
            fail(set, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return false;
    }

    private void fail(Due set, String error, boolean permanent) {
        int attempts = set.attempts() + 1;
        long backoff = Math.min(3600, settings.ssfRetryBase().toSeconds() * (1L << Math.min(attempts - 1, 20)));
        jdbc.update("update oidc_security_event set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?",
                permanent ? settings.ssfMaxAttempts() : attempts, clock.instant().plusSeconds(backoff),
                error.length() > 500 ? error.substring(0, 500) : error, set.id());
        LOG.log(permanent ? Level.WARNING : Level.INFO, () -> "Security event " + set.id() + " to " + set.clientId() + " not delivered: " + error);
    }
}
