package fr.rempart.notify;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.time.Clock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the outbox every two seconds: by SMTP when {@code rempart.smtp.host} is set, otherwise as
 * {@code .eml} files in {@code <data dir>/outbox}. A failure is retried with exponential backoff
 * (10 s, 20 s, 40 s… up to an hour), so a dead SMTP server delays messages and loses none. Each
 * message is claimed before it is sent, so two nodes never send the same one.
 */
@ApplicationScoped
public class OutboxSender {

    private static final Logger LOG = Logger.getLogger(OutboxSender.class.getName());
    private static final int BATCH = 50;
    private static final Duration CLAIM = Duration.ofMinutes(5);

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    Settings settings;
    @Inject
    Jobs jobs;


    record Pending(long id, String recipient, String subject, String body, int attempts, Instant due) {
    }

    void start(@Observes Startup.Ready ready) {
        jobs.every("mail", Duration.ofSeconds(2), Duration.ofSeconds(2), this::deliverDue);
    }

    /**
     * Sends what is due, batch after batch until nothing is (an incident queues hundreds of
     * thousands of notices), over one SMTP connection per batch.
     */
    void deliverDue() {
        try {
            while (deliverBatch() == BATCH) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Outbox delivery round failed; it runs again shortly", e);
        }
    }

    private int deliverBatch() {
        Instant now = clock.instant();
        List<Pending> due = jdbc.list("select id, recipient, subject, body, attempts, next_attempt_at from outbox_message "
                        + "where sent_at is null and next_attempt_at <= ? order by next_attempt_at fetch first " + BATCH + " rows only",
                r -> new Pending(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), Jdbc.instant(r, "next_attempt_at")), now);
        Transport transport = null;
        try {
            for (Pending message : due) {
                // Claim it: only the node whose update succeeds sends it.
                if (jdbc.update("update outbox_message set next_attempt_at = ? where id = ? and sent_at is null and next_attempt_at = ?",
                        now.plus(CLAIM), message.id(), message.due()) == 1) {
                    transport = deliver(message, transport);
                    if (transport == null && settings.smtpHost().isPresent()) {
                        return 0; // the server failed: the others wait for the next round rather than fail one by one
                    }
                }
            }
        } finally {
            close(transport);
        }
        return due.size();
    }

    /** Sends one message, opening the SMTP connection when there is none (or it broke); returns the connection to reuse. */
    private Transport deliver(Pending message, Transport transport) {
        try {
            MimeMessage mime = mime(message);
            if (settings.smtpHost().isPresent()) {
                if (transport == null || !transport.isConnected()) {
                    close(transport);
                    transport = mime.getSession().getTransport("smtp");
                    if (settings.smtpUser().isPresent()) {
                        transport.connect(settings.smtpUser().get(), settings.smtpPassword().orElse(""));
                    } else {
                        transport.connect();
                    }
                }
                transport.sendMessage(mime, mime.getAllRecipients());
            } else {
                Path dir = settings.dataDir().resolve("outbox");
                Files.createDirectories(dir);
                // Written aside, then moved: whoever reads the folder never sees half a message.
                java.nio.file.Path part = dir.resolve(String.format("%08d.eml.part", message.id()));
                try (OutputStream out = Files.newOutputStream(part)) {
                    mime.writeTo(out);
                }
                Files.move(part, dir.resolve(String.format("%08d.eml", message.id())), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            // Once sent, the body (which may hold a one-time link) is not kept in the database.
            jdbc.update("update outbox_message set sent_at = ?, attempts = ?, last_error = null, body = '' where id = ?", clock.instant(),
                    message.attempts() + 1, message.id());
            return transport;
        } catch (MessagingException | IOException | RuntimeException e) {
            int attempts = message.attempts() + 1;
            long backoff = Math.min(3600, 10L << Math.min(attempts - 1, 12));
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            jdbc.update("update outbox_message set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?", attempts,
                    clock.instant().plusSeconds(backoff), error.length() > 500 ? error.substring(0, 500) : error, message.id());
            LOG.warning(() -> "Message " + message.id() + " not delivered (attempt " + attempts + "), retry in " + backoff + " s: " + error);
            close(transport);
            return null;
        }
    }

    private static void close(Transport transport) {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private MimeMessage mime(Pending message) throws MessagingException {
        Properties properties = new Properties();
        settings.smtpHost().ifPresent(host -> {
            properties.put("mail.smtp.host", host);
            properties.put("mail.smtp.port", String.valueOf(settings.smtpPort()));
            properties.put("mail.smtp.connectiontimeout", "10000");
            properties.put("mail.smtp.timeout", "10000");
            properties.put("mail.smtp.starttls.enable", String.valueOf(settings.smtpStartTls()));
            properties.put("mail.smtp.starttls.required", String.valueOf(settings.smtpStartTls()));
            properties.put("mail.smtp.auth", String.valueOf(settings.smtpUser().isPresent()));
        });
        Session session = settings.smtpUser().isPresent()
                ? Session.getInstance(properties, new jakarta.mail.Authenticator() {
                    @Override
                    protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                        return new jakarta.mail.PasswordAuthentication(settings.smtpUser().get(), settings.smtpPassword().orElse(""));
                    }
                })
                : Session.getInstance(properties);
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(new InternetAddress(settings.mailFrom()));
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.recipient()));
        mime.setSubject(message.subject(), "UTF-8");
        mime.setText(message.body(), "UTF-8");
        mime.setSentDate(new Date());
        mime.setHeader("Auto-Submitted", "auto-generated");
        return mime;
    }

}
