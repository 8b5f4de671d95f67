package fr.rempart.notify;

import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The notices an incident sends each flagged member. They are queued in the flagging's transaction
 * as small rows (member, channel, verification code) — flagging half a million members must not
 * write half a million message bodies — and rendered in the background: e-mails into the outbox,
 * which delivers them with retries, letters into print-shop batches ({@link LetterBatches}). A
 * notice exists once per member, purpose, incident and channel (a unique constraint), so re-imports
 * and restarts never send one twice.
 */
@ApplicationScoped
public class NoticeQueue {

    private static final Logger LOG = Logger.getLogger(NoticeQueue.class.getName());
    static final String BREACH = "BREACH_NOTICE";
    /** A letter carrying an activation code, for a member without e-mail whose hardening waits for a proof. */
    static final String ACTIVATION = "ACTIVATION_LETTER";
    /** The batch key of letters that belong to no incident ({@link #ACTIVATION}). */
    static final String NO_INCIDENT = "";
    static final int RENDER_BATCH = 500;

    /** A flagged member and the contacts on file. */
    public record Recipient(MemberId member, boolean email, boolean postal) {
    }

    /** A queued notice. */
    record Queued(long id, MemberId member, String purpose, String incident, String code) {
    }

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    Settings settings;
    @Inject
    MemberRepository members;
    @Inject
    Notices notices;
    @Inject
    MessageCodes codes;
    @Inject
    Instance<NoticeFacts> facts;
    @Inject
    LetterBatches letters;
    @Inject
    Jobs jobs;

    /** When this node last queued notices: rendering waits for a running import to pause (see {@link #renderDue}). */
    private volatile Instant lastQueued = Instant.EPOCH;

    /** A queue for an operator command running without the server: it queues; the service renders and sends. */
    public static NoticeQueue standalone(Jdbc jdbc, Settings settings, MemberRepository members) {
        NoticeQueue queue = new NoticeQueue();
        queue.clock = Clock.systemUTC();
        queue.jdbc = jdbc;
        queue.settings = settings;
        queue.members = members;
        queue.codes = new MessageCodes();
        queue.codes.jdbc = jdbc;
        return queue;
    }

    /**
     * Queues the breach notice of each member, in the caller's transaction: an e-mail when an address
     * is on file, a letter when a postal address is (all of them, or only those without e-mail, per
     * {@code rempart.notify.letters}), each with its own verification code. Returns how many members
     * get at least one.
     */
    public int queueBreach(String incident, Collection<Recipient> recipients, Instant at) {
        String letterPolicy = settings.noticeLetters();
        List<java.util.UUID> members = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        int notified = 0;
        for (Recipient recipient : recipients) {
            boolean letter = recipient.postal() && (letterPolicy.equals("all") || letterPolicy.equals("without-email") && !recipient.email());
            for (String channel : recipient.email() && letter ? List.of("EMAIL", "LETTER") : recipient.email() ? List.of("EMAIL")
                    : letter ? List.of("LETTER") : List.<String>of()) {
                members.add(recipient.member().value());
                channels.add(channel);
            }
            if (recipient.email() || letter) {
                notified++;
            }
        }
        lastQueued = clock.instant();
        if (!members.isEmpty()) {
            List<String> codes = this.codes.fresh(members.size());
            // One statement for the batch (arrays unnested by the database), not one row at a time.
            jdbc.update("insert into notice (member_id, purpose, incident, channel, code, created_at) select t.m, ?, ?, t.c, t.d, ? "
                    + "from unnest(?, ?, ?) as t(m, c, d)", BREACH, incident, at, Jdbc.array("uuid", members), Jdbc.array("varchar", channels),
                    Jdbc.array("varchar", codes));
            this.codes.issued(codes, channels, BREACH, incident, at);
        }
        return notified;
    }

    /**
     * The helpdesk sends a member's breach notice again: the earlier notice rows give way to new ones,
     * with new codes (the earlier codes still check as genuine: those messages were sent).
     */
    public int requeueBreach(String incident, Recipient recipient, Instant at) {
        return jdbc.transaction(c -> {
            Jdbc.execute(c, "delete from notice where member_id = ? and purpose = ? and incident = ?", recipient.member().value(), BREACH, incident);
            return queueBreach(incident, List.of(recipient), at);
        });
    }

    /**
     * Queues a letter that carries an activation code (minted when it is printed) to a member without
     * e-mail whose hardening waits for a proof after a report or a helpdesk action; in the caller's
     * transaction, with its own verification code, printed with the next batch of letters.
     */
    public void queueActivationLetter(MemberId member) {
        Instant at = clock.instant();
        String code = codes.issue("LETTER", ACTIVATION, at);
        jdbc.update("insert into notice (member_id, purpose, incident, channel, code, created_at) values (?, ?, null, 'LETTER', ?, ?)",
                member.value(), ACTIVATION, code, at);
    }

    /** Notices of the incident rendered for their channel: e-mails handed to the outbox, letters printed in a batch. */
    public long countDone(String incident, String channel) {
        return jdbc.one("select count(*) from notice where incident = ? and channel = ? and done_at is not null", r -> r.getLong(1),
                incident, channel).orElse(0L);
    }

    void start(@Observes Startup.Ready ready) {
        jobs.every("notices", Duration.ofSeconds(3), Duration.ofSeconds(3), this::renderDue);
    }

    /**
     * Renders what is queued: e-mails until none is left, then the letter batches that are due. While
     * an import on this node is still queueing (the last batch less than two seconds ago) it waits:
     * the accounts are protected first, and the import does not share the database with rendering.
     */
    void renderDue() {
        if (lastQueued.isAfter(clock.instant().minusSeconds(2))) {
            return;
        }
        try {
            while (renderEmails() == RENDER_BATCH) {
                Thread.onSpinWait();
            }
            letters.printDue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Rendering queued notices failed; it runs again shortly", e);
        }
    }

    /** Renders a batch of queued e-mail notices into the outbox, in one transaction; returns how many it took. */
    int renderEmails() {
        return jdbc.transaction(c -> {
            List<Queued> due = claim("EMAIL", null, RENDER_BATCH, null);
            Map<MemberId, Member> byId = members.byIds(due.stream().map(Queued::member).toList());
            Map<String, Optional<NoticeFacts.Breach>> cache = new HashMap<>();
            for (Queued notice : due) {
                Member member = byId.get(notice.member());
                if (member == null || member.email() == null) {
                    continue; // the address was removed since: the letter, if any, still goes
                }
                Locale locale = locale(member);
                breachFacts(notice.incident(), locale, cache).ifPresent(f -> notices.breachEmail(member, locale, f, notice.code()));
            }
            return due.size();
        });
    }

    /**
     * Takes up to {@code limit} queued notices of the channel (and incident, unless null; {@link #NO_INCIDENT}: those of none), in
     * queue order, and marks them done in
     * the caller's transaction (with the batch they go into): a second node racing for the same rows
     * updates fewer of them and rolls back, so a notice is rendered once.
     */
    List<Queued> claim(String channel, String incident, int limit, String batch) {
        String which = incident == null ? "" : NO_INCIDENT.equals(incident) ? "and incident is null " : "and incident = ? ";
        List<Queued> due = jdbc.list("select id, member_id, purpose, incident, code from notice where channel = ? and done_at is null " + which
                        + "order by id fetch first " + limit + " rows only",
                r -> new Queued(r.getLong(1), new MemberId(r.getObject(2, UUID.class)), r.getString(3), r.getString(4), r.getString(5)),
                which.contains("?") ? new Object[]{channel, incident} : new Object[]{channel});
        if (due.isEmpty()) {
            return due;
        }
        if (jdbc.update("update notice set done_at = ?, batch_id = ?, code = null where done_at is null and id = any(?)", clock.instant(), batch,
                Jdbc.array("bigint", due.stream().map(Queued::id).toList())) != due.size()) {
            throw new IllegalStateException("Another node is rendering the same notices; this round gives way");
        }
        return due;
    }

    /** The notice's language: the configured one, or the member's own. */
    Locale locale(Member member) {
        return settings.noticeLanguage().orElse(Locale.forLanguageTag(member.language()));
    }

    Optional<NoticeFacts.Breach> breachFacts(String incident, Locale locale, Map<String, Optional<NoticeFacts.Breach>> cache) {
        return cache.computeIfAbsent(incident + "/" + locale.getLanguage(),
                k -> facts.stream().map(f -> f.breach(incident, locale)).flatMap(Optional::stream).findFirst());
    }

}
