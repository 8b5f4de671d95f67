package fr.rempart.notify;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.JsonBinder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the text messages of the outbox every two seconds: to the SMS gateway when
 * {@code rempart.sms.gateway-url} is set (a JSON post, the token as Bearer credential), otherwise as
 * files in {@code <data dir>/outbox-sms}. Like the e-mail outbox: each message is claimed before it
 * is sent (two nodes never send one twice), a failure is retried with backoff, and the text (it may
 * hold a one-time code) is blanked once sent.
 */
@ApplicationScoped
public class SmsSender {

    private Clock clock;

    private static final Logger LOG = Logger.getLogger(SmsSender.class.getName());
    private static final int BATCH = 50;
    private static final Duration CLAIM = Duration.ofMinutes(5);

    private Jdbc jdbc;
    private Settings settings;
    private HttpClient http;
    @Inject
    Jobs jobs;


    record Pending(long id, String recipient, String body, int attempts, Instant due) {
    }

    protected SmsSender() {
    }

    @Inject
    public SmsSender(Jdbc jdbc, Settings settings, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    void start(@Observes Startup.Ready ready) {
        jobs.every("sms", Duration.ofSeconds(2), Duration.ofSeconds(2), this::deliverDue);
    }

    /** Sends what is due, batch after batch. */
    public void deliverDue() {
        try {
            while (deliverBatch() == BATCH) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SMS delivery round failed; it runs again shortly", e);
        }
    }

    private int deliverBatch() {
        Instant now = clock.instant();
        List<Pending> due = jdbc.list("select id, recipient, body, attempts, next_attempt_at from outbox_sms where sent_at is null and next_attempt_at <= ? "
                        + "order by next_attempt_at fetch first " + BATCH + " rows only",
                r -> new Pending(r.getLong(1), r.getString(2), r.getString(3), r.getInt(4), Jdbc.instant(r, "next_attempt_at")), now);
        for (Pending message : due) {
            if (jdbc.update("update outbox_sms set next_attempt_at = ? where id = ? and sent_at is null and next_attempt_at = ?",
                    now.plus(CLAIM), message.id(), message.due()) == 1 && !deliver(message) && settings.smsGatewayUrl().isPresent()) {
                return 0; // the gateway failed: the others wait for the next round
            }
        }
        return due.size();
    }

    private boolean deliver(Pending message) {
        try {
            if (settings.smsGatewayUrl().isPresent()) {
                String json = JsonBinder.JSON.createObjectBuilder().add("to", message.recipient()).add("text", message.body()).build().toString();
                HttpRequest.Builder request = HttpRequest.newBuilder(settings.smsGatewayUrl().get()).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
                settings.smsGatewayToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 != 2) {
                    throw new IOException("gateway answered " + response.statusCode());
                }
            } else {
                Path dir = settings.dataDir().resolve("outbox-sms");
                Files.createDirectories(dir);
                Path part = dir.resolve(String.format("%08d.sms.part", message.id()));
                Files.writeString(part, "To: " + message.recipient() + "\n\n" + message.body() + "\n", StandardCharsets.UTF_8);
                Files.move(part, dir.resolve(String.format("%08d.sms", message.id())), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            jdbc.update("update outbox_sms set sent_at = ?, attempts = ?, last_error = null, body = '' where id = ?", clock.instant(),
                    message.attempts() + 1, message.id());
            return true;
        } catch (IOException e) {
            return failed(message, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // The class only: a runtime failure's message may quote the request (its token).
            return failed(message, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(message, "interrupted");
        }
    }

    private boolean failed(Pending message, String error) {
        int attempts = message.attempts() + 1;
        long backoff = Math.min(3600, 10L << Math.min(attempts - 1, 12));
        jdbc.update("update outbox_sms set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?", attempts,
                clock.instant().plusSeconds(backoff), error.length() > 500 ? error.substring(0, 500) : error, message.id());
        LOG.warning(() -> "SMS " + message.id() + " not delivered (attempt " + attempts + "), retry in " + backoff + " s: " + error);
        return false;
    }

}
