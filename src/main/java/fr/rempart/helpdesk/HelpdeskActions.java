package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.notify.Notices;
import fr.rempart.password.PasswordResets;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.AccountLocks;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.signin.staff.StaffGroup;
import fr.rempart.signin.staff.StaffRepository;
import fr.rempart.totp.TotpService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The helpdesk's actions on an account. Each needs a reason; unlocking and resetting the second
 * factor also need the caller proven ({@link Verifications}) by the same agent. A second factor
 * reset waits for a supervisor — another person, within {@code rempart.helpdesk.approval-lifetime} —
 * unless the caller read back a code sent to the contact on file and no breach flagged the member:
 * a flagged account's reset is exactly what a fraudster holding the leaked facts asks for, and a
 * face-to-face check is one agent's word. Searches and member reads count in the same hourly limit. Every action is audited with its reason, written in the member's timeline,
 * and told to the member by e-mail; an agent's actions are limited per hour, and unusual volume
 * raises an alert to the supervisors.
 */
@ApplicationScoped
public class HelpdeskActions {

    /** What an action request came to: done now, or waiting for a supervisor's approval. */
    public record Outcome(boolean done, Optional<String> approval) {
    }

    public enum Status { PENDING, APPROVED, REJECTED }

    /** Codes sent to one member in an hour, whoever asks: a member's mailbox is not a brute-force oracle. */
    static final int MAX_CODES_PER_HOUR = 5;

    /**
     * A request waiting for (or decided by) a supervisor; {@code expired} when it waited too long.
     * {@code requester} is the person who asked ({@link Agent#who()}): the four-eyes rule compares it.
     */
    public record Approval(String id, String memberNumber, HelpdeskAction action, String reason, String requestedBy, Status status,
                           Instant createdAt, Instant expiresAt, String decidedBy, String requester) {
        public boolean expired(Instant now) {
            return status == Status.PENDING && expiresAt.isBefore(now);
        }

        /** Whether this person asked for it, by whatever way they signed in (requests filed before V18 name only the actor). */
        public boolean askedBy(Agent agent) {
            return requestedBy.equals(agent.id()) || (requester != null && requester.equals(agent.who()));
        }
    }

    /** What the helpdesk reads about members: each read is audited and counts in the agent's hourly limit. */
    public enum Read {
        /** A search, whatever it found. */
        SEARCH("helpdesk.search"),
        /** A member's page or record (contacts masked); the same member again within the hour counts once. */
        MEMBER("helpdesk.member-read"),
        /** The member's contact details in full, asked for explicitly with a reason. */
        CONTACT("helpdesk.contact-revealed");

        private final String action;

        Read(String action) {
            this.action = action;
        }

        public String action() {
            return action;
        }
    }

    /** An agent's unusual volume of actions, for the supervisors. */
    public record Alert(long id, String agent, int actions, Instant windowStart, Instant createdAt) {
    }

    private Jdbc jdbc;
    private AuditTrail audit;
    private SecurityTimeline timeline;
    private Verifications verifications;
    private SessionStore sessions;
    private TotpService totp;
    private MemberService members;
    private MemberRepository memberRepository;
    private PasswordResets resets;
    private NoticeQueue noticeQueue;
    private Notices notices;
    private StaffRepository staff;
    private HardeningProofs proofs;
    @Inject
    Clock clock;
    @Inject
    AccountLocks locks;
    private Duration approvalLifetime;
    private int perHour;
    private int alertThreshold;

    protected HelpdeskActions() {
    }

    @Inject
    public HelpdeskActions(Jdbc jdbc, AuditTrail audit, SecurityTimeline timeline, Verifications verifications, SessionStore sessions,
                           TotpService totp, MemberService members, MemberRepository memberRepository, PasswordResets resets,
                           NoticeQueue noticeQueue, Notices notices, StaffRepository staff,
                           HardeningProofs proofs, Settings settings) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.timeline = timeline;
        this.verifications = verifications;
        this.sessions = sessions;
        this.totp = totp;
        this.members = members;
        this.memberRepository = memberRepository;
        this.resets = resets;
        this.noticeQueue = noticeQueue;
        this.notices = notices;
        this.staff = staff;
        this.proofs = proofs;
        this.approvalLifetime = settings.helpdeskApprovalLifetime();
        this.perHour = settings.helpdeskActionsPerHour();
        this.alertThreshold = settings.helpdeskAlertThreshold();
    }

    /**
     * Does the action, or files it for a supervisor. Checks, in order, before anything changes: the
     * reason, the agent's hourly limit (429), the proof of the caller when the action needs one (428).
     */
    public Outcome request(Member member, HelpdeskAction action, String reason, String verification, Agent agent, Locale locale) {
        String why = reason(reason, locale);
        return jdbc.transaction(c -> {
            int recent = withinLimit(agent);
            Optional<Verifications.Proof> proof = verifications.valid(member, agent, verification);
            if (action.needsVerification() && proof.isEmpty()) {
                throw new ProblemException(428, "helpdesk.verification.required");
            }
            String proven = proof.map(p -> p.method().name()).orElse("none");
            Outcome outcome;
            // Removing the factor hands the account to whoever was proven: at once only for a member the leak does not concern,
            // proven by a code to the contact on file. A face-to-face check is the agent's word alone; a second person confirms it.
            boolean byCode = proof.map(p -> p.method() != Verifications.Method.IN_PERSON).orElse(false);
            if (action == HelpdeskAction.RESET_TOTP && !(byCode && !flagged(member))) {
                String id = Secrets.token(16);
                Instant now = now();
                Jdbc.execute(c, "insert into helpdesk_approval (id, member_id, action, reason, requested_by, requester, verification_id, status, "
                        + "created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)", id, member.id().value(), action.path(), why,
                        agent.id(), agent.who(), proof.map(Verifications.Proof::id).orElse(null), now, now.plus(approvalLifetime));
                audit.record(agent.actor(), "helpdesk.approval-requested", member.number().value(), why, "action=" + action.path()
                        + " approval=" + id + " verification=" + proven);
                timeline.record(member.id(), "helpdesk.approval-requested", null, action.path());
                // The member hears of the request now: if they did not call, it is the fraud attempt this rule stops.
                notices.helpdeskAction(member, "helpdesk.action." + action.path() + ".requested");
                outcome = new Outcome(false, Optional.of(id));
            } else {
                performIn(member, action, why, agent, "verification=" + proven);
                outcome = new Outcome(true, Optional.empty());
            }
            watchVolume(agent, recent + 1);
            return outcome;
        });
    }

    /** Sends the member a code (e-mail or SMS) for this agent's proof, within the agent's hourly limit and five codes an hour per member. */
    public Verifications.Proof sendCode(Member member, Agent agent, Verifications.Method channel) {
        return jdbc.transaction(c -> {
            int recent = withinLimit(agent);
            int codes = audit.countAbout(member.number().value(), "helpdesk.verification-sent", clock.instant().minus(Duration.ofHours(1)));
            if (codes >= MAX_CODES_PER_HOUR) {
                throw new ProblemException(429, "helpdesk.verification.too-many-codes");
            }
            Verifications.Proof proof = verifications.sendCode(member, agent, channel);
            watchVolume(agent, recent + 1);
            return proof;
        });
    }

    /**
     * Records a document checked face to face, within the agent's hourly limit; the member is told.
     * Only a person vouches for what they saw: an application's token records nothing (403).
     */
    public Verifications.Proof inPerson(Member member, Agent agent, String checked) {
        if (!agent.person()) {
            throw new ProblemException(403, "helpdesk.verification.person-only");
        }
        return jdbc.transaction(c -> {
            int recent = withinLimit(agent);
            Verifications.Proof proof = verifications.inPerson(member, agent, checked);
            notices.helpdeskAction(member, "helpdesk.action.verified-in-person.done");
            watchVolume(agent, recent + 1);
            return proof;
        });
    }

    /** What a read found, and what the audit trail says of it. */
    public record Seen<T>(T value, String detail) {
    }

    /**
     * A read, counted in the agent's hourly limit before it runs (429 at the limit: nothing read),
     * then audited with who, what and why in the same transaction. {@code subject} is the member read
     * (null for a search); {@code detail} says what, never a searched NIR or address. The reason is
     * optional, but a reveal of the contact details takes one, and a person (403 for an application).
     */
    public <T> T read(Agent agent, Read read, String subject, String reason, Locale locale, java.util.function.Supplier<Seen<T>> reading) {
        String why;
        if (read == Read.CONTACT) {
            if (!agent.person()) {
                throw new ProblemException(403, "helpdesk.reveal.person-only");
            }
            why = reason(reason, locale);
        } else {
            why = optionalReason(reason, locale);
        }
        return jdbc.transaction(c -> {
            int recent = withinLimit(agent);
            Seen<T> seen = reading.get();
            audit.record(agent.actor(), read.action(), subject, why, seen.detail());
            watchVolume(agent, recent + 1);
            return seen.value();
        });
    }

    /**
     * The agent's actions in the last hour, or 429 at the limit. Counted under the audit trail's head
     * lock (which every action's audit entry takes anyway): requests sent together are counted one
     * after the other, never all against the same count.
     */
    private int withinLimit(Agent agent) {
        return jdbc.transaction(c -> {
            audit.lock();
            int recent = recentActions(agent);
            if (recent >= perHour) {
                throw new ProblemException(429, "helpdesk.too-many-actions", perHour);
            }
            return recent;
        });
    }

    /** A supervisor approves (the action is done now) or rejects a pending request; never their own, never a lapsed one. */
    public Approval decide(String id, boolean approve, Agent supervisor) {
        if (!supervisor.supervisor()) {
            throw new ProblemException(403, "helpdesk.approval.supervisors-only");
        }
        if (!supervisor.person()) {
            throw new ProblemException(403, "helpdesk.approval.person-only");
        }
        Approval approval = approval(id).orElseThrow(() -> new ProblemException(404, "helpdesk.approval.unknown"));
        if (approval.status() != Status.PENDING) {
            throw new ProblemException(409, "helpdesk.approval.decided");
        }
        if (approval.expired(clock.instant())) {
            throw new ProblemException(410, "helpdesk.approval.expired");
        }
        if (approval.askedBy(supervisor)) {
            throw new ProblemException(403, "helpdesk.approval.not-yourself");
        }
        Member member = memberRepository.byNumber(MemberNumber.parse(approval.memberNumber()))
                .orElseThrow(() -> new ProblemException(404, "helpdesk.member.unknown"));
        Instant now = now();
        jdbc.transaction(c -> {
            // One decision: the row changes from PENDING once, whoever clicks at the same moment.
            if (Jdbc.execute(c, "update helpdesk_approval set status = ?, decided_by = ?, decided_at = ? where id = ? and status = 'PENDING' "
                    + "and expires_at > ?", approve ? Status.APPROVED.name() : Status.REJECTED.name(), supervisor.id(), now, id, now) == 0) {
                throw approval(id).filter(a -> a.expired(now)).isPresent() ? new ProblemException(410, "helpdesk.approval.expired")
                        : new ProblemException(409, "helpdesk.approval.decided");
            }
            audit.record(supervisor.actor(), approve ? "helpdesk.approval-granted" : "helpdesk.approval-rejected", approval.memberNumber(),
                    approval.reason(), "action=" + approval.action().path() + " approval=" + id + " requested-by=" + approval.requestedBy());
            if (approve) {
                performIn(member, approval.action(), approval.reason(), supervisor, "approval=" + id + " requested-by=" + approval.requestedBy());
            } else {
                timeline.record(member.id(), "helpdesk.approval-rejected", null, approval.action().path());
                notices.helpdeskAction(member, "helpdesk.action." + approval.action().path() + ".rejected");
            }
            return null;
        });
        return approval(id).orElseThrow();
    }

    /** The requests waiting for a supervisor, oldest first, lapsed ones included (marked). */
    public List<Approval> pending() {
        return numbered(jdbc.list("select " + APPROVAL + "from helpdesk_approval a where a.status = 'PENDING' order by a.created_at",
                HelpdeskActions::approval));
    }

    public Optional<Approval> approval(String id) {
        return jdbc.one("select " + APPROVAL + "from helpdesk_approval a where a.id = ?", HelpdeskActions::approval, id)
                .flatMap(a -> numbered(List.of(a)).stream().findFirst());
    }

    /** The member's requests, newest first (the console shows what waits). */
    public List<Approval> of(Member member) {
        return numbered(jdbc.list("select " + APPROVAL + "from helpdesk_approval a where a.member_id = ? order by a.created_at desc",
                HelpdeskActions::approval, member.id().value()));
    }

    public List<Alert> alerts() {
        return jdbc.list("select id, agent, actions, window_start, created_at from helpdesk_alert where acknowledged_at is null order by created_at desc",
                r -> new Alert(r.getLong(1), r.getString(2), r.getInt(3), Jdbc.instant(r, "window_start"), Jdbc.instant(r, "created_at")));
    }

    /** A supervisor has looked at an alert: it leaves the queue, audited. */
    public boolean acknowledge(long alert, Agent supervisor) {
        if (!supervisor.supervisor() || !supervisor.person()) {
            throw new ProblemException(403, "helpdesk.approval.supervisors-only");
        }
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update helpdesk_alert set acknowledged_by = ?, acknowledged_at = ? where id = ? and acknowledged_at is null",
                    supervisor.id(), now(), alert) == 0) {
                return false;
            }
            audit.record(supervisor.actor(), "helpdesk.alert-acknowledged", String.valueOf(alert), null, null);
            return true;
        });
    }

    /** Whether the member was flagged by a breach import: the four-eyes rule applies to them. */
    public boolean flagged(Member member) {
        return !memberRepository.flagsOf(member.id()).isEmpty();
    }

    /** Does it, then records it three times: the audit trail, the member's timeline, a message to the member. */
    private void perform(Member member, HelpdeskAction action, String reason, Agent agent, String detail) {
        jdbc.transaction(c -> {
            performIn(member, action, reason, agent, detail);
            return null;
        });
    }

    private void performIn(Member member, HelpdeskAction action, String reason, Agent agent, String detail) {
        String number = member.number().value();
        switch (action) {
            case UNLOCK -> locks.clear(member.id());
            // The second factor's reset has its own audit entry, timeline entry and message (TotpService).
            case RESET_TOTP -> totp.reset(member, agent.actor(), reason);
            case REQUIRE_PASSWORD_RESET -> {
                members.requireAction(member.id(), RequiredAction.UPDATE_PASSWORD, agent.actor(), reason);
                // Asked because someone else may hold the password: the new one is chosen behind the member's proof of the e-mail on file.
                proofs.require(member.id(), "helpdesk: " + reason);
                sessions.revokeAll(member.id(), "helpdesk: password reset required");
                // A link to the e-mail on file: the agent starts the reset, never sees nor chooses the password.
                Optional.ofNullable(member.email()).ifPresent(email -> resets.request(email.value()));
            }
            case REVOKE_SESSIONS -> sessions.revokeAll(member.id(), "helpdesk: " + reason);
            case RESEND_NOTICE -> resendNotice(member);
        }
        audit.record(agent.actor(), "helpdesk." + action.path(), number, reason, detail);
        timeline.record(member.id(), "helpdesk." + action.path(), null, null);
        if (action != HelpdeskAction.RESET_TOTP) {
            notices.helpdeskAction(member, "helpdesk.action." + action.path() + ".done");
        }
    }

    private void resendNotice(Member member) {
        List<String> incidents = memberRepository.flagsOf(member.id()).stream().map(MemberRepository.Flag::incident).toList();
        if (incidents.isEmpty()) {
            throw new ProblemException(409, "helpdesk.resend-notice.not-flagged");
        }
        boolean postal = member.address() != null && member.address().line1() != null && member.address().postcode() != null;
        for (String incident : incidents) {
            noticeQueue.requeueBreach(incident, new NoticeQueue.Recipient(member.id(), member.email() != null, postal), now());
        }
    }

    /**
     * Actions, searches and reveals count one each; member reads count once per member (the page comes
     * back after every action of a call: harvesting is many members, not one member read again).
     */
    private static final java.util.Set<String> COUNTED = java.util.Set.of("helpdesk.unlock", "helpdesk.reset-totp",
            "helpdesk.require-password-reset", "helpdesk.revoke-sessions", "helpdesk.resend-notice", "helpdesk.approval-requested",
            "helpdesk.verification-sent", "helpdesk.verified-in-person", "helpdesk.search", "helpdesk.contact-revealed");

    private int recentActions(Agent agent) {
        Instant since = clock.instant().minus(Duration.ofHours(1));
        return audit.countBy(agent.id(), COUNTED, since) + audit.countSubjectsBy(agent.id(), "helpdesk.member-read", since);
    }

    /** At the threshold, once an hour per agent: an alert in the supervisors' queue and their mailbox, audited. */
    private void watchVolume(Agent agent, int actions) {
        if (actions < alertThreshold) {
            return;
        }
        Instant windowStart = clock.instant().minus(Duration.ofHours(1));
        jdbc.transaction(c -> {
            try (var s = Jdbc.prepare(c, "select count(*) from helpdesk_alert where agent = ? and created_at > ?", agent.id(), windowStart);
                 ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) > 0) {
                    return null;
                }
            }
            Jdbc.execute(c, "insert into helpdesk_alert (agent, actions, window_start, created_at) values (?, ?, ?, ?)", agent.id(), actions,
                    windowStart, now());
            audit.record(Actor.SYSTEM, "helpdesk.volume-alert", agent.id(), "unusual volume", "actions=" + actions + " in one hour");
            staff.emailsIn(StaffGroup.HELPDESK_SUPERVISOR).forEach(email -> notices.helpdeskVolumeAlert(email, agent.id(), actions));
            return null;
        });
    }

    private static String reason(String reason, Locale locale) {
        if (reason == null || reason.isBlank() || reason.strip().length() > 500) {
            throw new InvalidInputException(List.of(new FieldError("reason", "Size", Messages.get(locale, "helpdesk.reason.required"))));
        }
        return reason.strip();
    }

    /** A read's reason is optional (the call, the letter being answered); when given, it is recorded, so it has the action's bounds. */
    private static String optionalReason(String reason, Locale locale) {
        return reason == null || reason.isBlank() ? null : reason(reason, locale);
    }

    private static final String APPROVAL = "a.id, a.member_id, a.action, a.reason, a.requested_by, a.status, a.created_at, a.expires_at, a.decided_by, a.requester ";

    /** An approval row and its member, whose number member keeps ({@link #numbered}). */
    private static Map.Entry<MemberId, Approval> approval(ResultSet r) throws SQLException {
        return Map.entry(new MemberId(r.getObject("member_id", java.util.UUID.class)), new Approval(r.getString("id"), null,
                HelpdeskAction.of(r.getString("action")).orElseThrow(), r.getString("reason"), r.getString("requested_by"),
                Status.valueOf(r.getString("status")), Jdbc.instant(r, "created_at"), Jdbc.instant(r, "expires_at"), r.getString("decided_by"),
                r.getString("requester")));
    }

    private List<Approval> numbered(List<Map.Entry<MemberId, Approval>> rows) {
        Map<MemberId, String> numbers = memberRepository.numbersOf(rows.stream().map(Map.Entry::getKey).toList());
        return rows.stream().map(e -> {
            Approval a = e.getValue();
            return new Approval(a.id(), numbers.get(e.getKey()), a.action(), a.reason(), a.requestedBy(), a.status(), a.createdAt(), a.expiresAt(),
                    a.decidedBy(), a.requester());
        }).toList();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
