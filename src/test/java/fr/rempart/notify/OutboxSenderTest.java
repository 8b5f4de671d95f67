package fr.rempart.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.rempart.member.Email;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable outbox against a real SMTP server (GreenMail): a dead server delays the messages and
 * loses none — each failure is counted and retried later with backoff — and once the server is back
 * everything goes, many messages over one connection.
 */
class OutboxSenderTest {

    private TestDatabase db;
    private GreenMail smtp;

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aDeadSmtpServerDelaysMessagesAndLosesNone() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        db = new TestDatabase("rempart.smtp.host", "127.0.0.1", "rempart.smtp.port", String.valueOf(port), "rempart.smtp.starttls", "false");
        Outbox outbox = new Outbox(db.jdbc, java.time.Clock.systemUTC());
        for (int i = 0; i < 120; i++) {
            outbox.enqueue(Email.parse("membre" + i + "@example.org"), "Avis " + i, "Bonjour " + i);
        }
        OutboxSender sender = new OutboxSender();
        sender.clock = java.time.Clock.systemUTC();
        sender.jdbc = db.jdbc;
        sender.settings = db.settings;

        // Nobody listens: the message tried is kept and put off with its error; the round stops there, the others wait.
        sender.deliverDue();
        assertThat(count("sent_at is null")).isEqualTo(120);
        assertThat(count("attempts = 1 and last_error is not null and next_attempt_at > ?", Instant.now())).isEqualTo(1);
        sender.deliverDue(); // the next round tries the next one, not the one put off
        assertThat(count("attempts = 1")).isEqualTo(2);
        assertThat(count("attempts = 0")).isEqualTo(118);

        // The server comes back; once the backoff has passed, everything goes.
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        smtp.start();
        db.jdbc.update("update outbox_message set next_attempt_at = ?", Instant.now().minusSeconds(1));
        sender.deliverDue();
        assertThat(smtp.getReceivedMessages()).hasSize(120);
        assertThat(count("sent_at is not null and last_error is null and body = ''")).isEqualTo(120);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("Avis");
    }

    private long count(String where, Object... parameters) {
        return db.jdbc.one("select count(*) from outbox_message where " + where, r -> r.getLong(1), parameters).orElseThrow();
    }
}
