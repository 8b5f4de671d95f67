package fr.rempart.notify;

import fr.rempart.member.Email;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;

/**
 * Messages to members, made durable before they are sent: {@link #enqueue} joins the caller's
 * transaction, so a message exists exactly when the change it reports was committed. The
 * {@link OutboxSender} delivers them.
 */
@ApplicationScoped
public class Outbox {

    private Clock clock;

    private Jdbc jdbc;

    protected Outbox() {
    }

    @Inject
    public Outbox(Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** A text message to a phone number (E.164), sent by {@link SmsSender}; 640 characters at most (four SMS). */
    public void enqueueSms(fr.rempart.member.PhoneNumber recipient, String body) {
        Instant now = clock.instant();
        jdbc.update("insert into outbox_sms (recipient, body, created_at, attempts, next_attempt_at) values (?, ?, ?, 0, ?)",
                recipient.e164(), body.length() > 640 ? body.substring(0, 640) : body, now, now);
    }

    public void enqueue(Email recipient, String subject, String body) {
        Instant now = clock.instant();
        jdbc.update("insert into outbox_message (recipient, subject, body, created_at, attempts, next_attempt_at) values (?, ?, ?, ?, 0, ?)",
                recipient.value(), subject.length() > 200 ? subject.substring(0, 200) : subject, body, now, now);
    }
}
