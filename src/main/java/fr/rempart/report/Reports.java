package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.BirthDates;
import fr.rempart.member.Email;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.notify.Notices;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Messages;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.time.Clock;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Files the alerts and pre-complaints and gives the helpdesk its queue. A report is stored whole in
 * one transaction or not at all; a password or a code given away protects the member's account at
 * once (sessions ended, a new password required).
 */
@ApplicationScoped
public class Reports {

    private Clock clock;

    /** The outcome of a submission: the reference, and whether this call filed it or a previous post of the same form did. */
    public record Filed(ReportReference reference, boolean created, List<OfficialChannels.Route> routes) {
    }

    private static final Set<Report.Information> ACCOUNT_SECRETS = EnumSet.of(Report.Information.PASSWORD, Report.Information.SECOND_FACTOR_CODE);

    private Jdbc jdbc;
    private FormValidator validator;
    private AuditTrail audit;
    private SessionStore sessions;
    private HardeningProofs proofs;
    private MemberService members;
    private MemberRepository memberRepository;
    private Notices notices;
    private ReportEvidence evidence;
    private Duration retention;
    private String mutualName;
    private KeyRing keys;
    private int mailsPerRecipient;

    /** A confirmation code is good this long, for this many tries. */
    static final Duration CODE_LIFETIME = Duration.ofHours(1);
    static final int CODE_ATTEMPTS = 5;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** What became of the acknowledgement: sent (a member's address on file), a code sent first, or nothing sent. */
    public enum Acknowledgement { SENT, CONFIRMATION_SENT, NONE }

    protected Reports() {
    }

    @Inject
    public Reports(Jdbc jdbc, FormValidator validator, AuditTrail audit, SessionStore sessions, HardeningProofs proofs,
                   MemberService members,
                   MemberRepository memberRepository, Notices notices, ReportEvidence evidence,
                   Settings settings, KeyRing keys, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.keys = keys;
        this.mailsPerRecipient = settings.reportMailsPerRecipientPerDay();
        this.memberRepository = memberRepository;
        this.notices = notices;
        this.validator = validator;
        this.audit = audit;
        this.sessions = sessions;
        this.proofs = proofs;
        this.members = members;
        this.evidence = evidence;
        this.retention = settings.reportRetention();
        this.mutualName = settings.mutualName();
    }

    /**
     * Validates every step, then stores and audits the report, in one transaction. The same
     * submission key posted again gives back the first report's reference and files nothing.
     *
     * @throws InvalidInputException before anything is written
     */
    public Filed submit(ReportForm form, Optional<MemberId> member, Actor actor, Locale locale) {
        return submit(form, member, actor, locale, List.of(), new ReportEvidence.Uploader("-", member));
    }

    /**
     * The same, with evidence files sent along: the form is validated first, then every file is
     * checked, then the report, its files (these and any uploaded earlier under the form's key) and
     * the audit entry are written in one transaction. A refused file files nothing.
     */
    public Filed submit(ReportForm form, Optional<MemberId> member, Actor actor, Locale locale, List<ReportEvidence.Incoming> files,
                        ReportEvidence.Uploader uploader) {
        validator.check(form, locale, ReportForm.Step.all(member.isPresent()));
        List<OfficialChannels.Route> routes = OfficialChannels.forCase(form.kindSet(), form.channelValue().orElseThrow(), form.informationSet());
        String key = form.submissionKey();
        if (key != null) {
            Optional<ReportReference> earlier = bySubmissionKey(key);
            if (earlier.isPresent()) {
                return new Filed(earlier.get(), false, routes);
            }
        }
        List<ReportEvidence.Prepared> prepared = evidence.prepare(files, key == null ? 0 : evidence.drafts(key).size(), uploader, locale);
        try {
            return new Filed(file(form, member, actor, routes, locale, prepared), true, routes);
        } catch (RuntimeException e) {
            evidence.discard(prepared);
            // The same form posted twice at once: the other post filed it first.
            if (key != null && e instanceof Jdbc.DataAccessException && Jdbc.isUniqueViolation(e)) {
                return bySubmissionKey(key).map(r -> new Filed(r, false, routes)).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private ReportReference file(ReportForm form, Optional<MemberId> member, Actor actor, List<OfficialChannels.Route> routes, Locale locale,
                                 List<ReportEvidence.Prepared> files) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ReportReference reference = ReportReference.random();
        Set<Report.Kind> kinds = form.kindSet();
        Set<Report.Information> given = form.informationSet();
        Optional<String> senderKey = ClusterKeys.sender(form.senderAddress());
        Optional<String> numberKey = ClusterKeys.number(form.senderNumber());
        Optional<String> linkKey = ClusterKeys.link(form.linkOrNumber());
        return jdbc.transaction(c -> {
            Jdbc.execute(c, "insert into report (reference, submission_key, status, member_id, contact_email, kinds, channel, claimed_sender, "
                            + "occurred_on, information, amount_cents, facts, sender_key, number_key, link_key, created_at, purge_after) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    reference.value(), form.submissionKey(), Report.Status.NEW, member.map(MemberId::value).orElse(null),
                    blank(form.contactEmail()) ? null : form.contactEmail().strip(), names(kinds), form.channelValue().orElseThrow(),
                    form.senderValue().orElseThrow(), Date.valueOf(BirthDates.parse(form.occurredOn()).orElseThrow()), names(given),
                    form.amountInCents().orElse(null), facts(form), senderKey.orElse(null), numberKey.orElse(null), linkKey.orElse(null),
                    now, now.plus(retention));
            evidence.record(c, reference, files, now);
            int attached = files.size() + (form.submissionKey() == null ? 0 : evidence.attachDrafts(c, form.submissionKey(), reference));
            if (attached > ReportEvidence.MAX_FILES) {
                throw new InvalidInputException(List.of(new FieldError("files", "TooMany",
                        Messages.get(locale, "report.evidence.too-many", ReportEvidence.MAX_FILES, attached - files.size()))));
            }
            // Never the words of the message nor the victim's identity: the audit trail outlives the report.
            audit.record(actor, "report.submitted", reference.value(), null, "kinds=" + names(kinds) + " channel=" + form.channelValue().orElseThrow()
                    + " information=" + names(given) + " member=" + member.isPresent() + " files=" + attached);
            if (member.isPresent() && given.stream().anyMatch(ACCOUNT_SECRETS::contains)) {
                protect(member.get(), reference, given, actor);
            }
            acknowledge(c, reference, form, member, routes, locale);
            return reference;
        });
    }

    /**
     * The acknowledgement never goes to an address nobody proved: a member's goes to the e-mail on file (never the
     * one typed in the form); someone not signed in is first sent a code to the address given, and the acknowledgement
     * only once it is typed back ({@link #confirmContact}). Neither message carries anything typed in the form: a fixed
     * greeting, the reference, the channels. Each address gets {@code rempart.report.mails-per-recipient-per-day}
     * messages at most; the report is filed whatever happens to them.
     */
    private void acknowledge(java.sql.Connection c, ReportReference reference, ReportForm form, Optional<MemberId> member,
                             List<OfficialChannels.Route> routes, Locale locale) throws SQLException {
        if (member.isPresent()) {
            Optional<Email> onFile = member.flatMap(memberRepository::byId).map(Member::email);
            if (onFile.isPresent() && mayMail(c, onFile.get())) {
                notices.reportReceived(onFile.get(), greeting(locale), locale, reference.value(), nextSteps(routes, locale));
            }
            return;
        }
        if (blank(form.contactEmail())) {
            return;
        }
        Email to = Email.parse(form.contactEmail().strip());
        if (!mayMail(c, to)) {
            return;
        }
        String code = String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
        Jdbc.execute(c, "update report set contact_code = ?, contact_code_expires = ? where reference = ?", codeMac(reference, code),
                now().plus(CODE_LIFETIME), reference.value());
        notices.reportContactCode(to, locale, code);
    }

    /** What the filing did about the acknowledgement, read back (the same form posted again gives the same answer). */
    public Acknowledgement acknowledgement(ReportReference reference) {
        return jdbc.one("select member_id, contact_code, contact_confirmed_at from report where reference = ?", r -> {
            if (r.getObject("member_id") != null || r.getObject("contact_confirmed_at") != null) {
                return Acknowledgement.SENT;
            }
            return r.getString("contact_code") != null ? Acknowledgement.CONFIRMATION_SENT : Acknowledgement.NONE;
        }, reference.value()).orElse(Acknowledgement.NONE);
    }

    /**
     * The filer typed back the code sent to the address they gave: the address is proven, the acknowledgement goes to
     * it (within the daily limit). Five tries per report, an hour; true when confirmed. The code is spent either way.
     */
    public boolean confirmContact(ReportReference reference, String code, Locale locale) {
        String typed = code == null ? "" : code.replaceAll("\\s", "");
        return jdbc.transaction(c -> {
            String contact;
            List<OfficialChannels.Route> routes;
            String expected;
            Instant expires;
            int attempts;
            try (var s = Jdbc.prepare(c, "select contact_email, contact_code, contact_code_expires, contact_attempts, kinds, channel, information "
                    + "from report where reference = ? and contact_confirmed_at is null for update", reference.value()); ResultSet r = s.executeQuery()) {
                if (!r.next() || r.getString("contact_code") == null) {
                    return false;
                }
                contact = r.getString("contact_email");
                routes = OfficialChannels.forCase(parse(r.getString("kinds"), Report.Kind.class), Report.Channel.valueOf(r.getString("channel")),
                        parse(r.getString("information"), Report.Information.class));
                expected = r.getString("contact_code");
                expires = Jdbc.instant(r, "contact_code_expires");
                attempts = r.getInt("contact_attempts");
            }
            boolean good = typed.matches("\\d{6}") && attempts < CODE_ATTEMPTS && now().isBefore(expires)
                    && java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    codeMac(reference, typed).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (!good) {
                Jdbc.execute(c, "update report set contact_attempts = contact_attempts + 1, contact_code = case when contact_attempts + 1 >= ? "
                        + "then null else contact_code end where reference = ?", CODE_ATTEMPTS, reference.value());
                return false;
            }
            Jdbc.execute(c, "update report set contact_code = null, contact_confirmed_at = ? where reference = ?", now(), reference.value());
            audit.record(new Actor("public", "anonymous"), "report.contact-confirmed", reference.value(), null, null);
            Email to = Email.parse(contact);
            if (mayMail(c, to)) {
                notices.reportReceived(to, greeting(locale), locale, reference.value(), nextSteps(routes, locale));
            }
            return true;
        });
    }

    /** Counts a message to this address today, if the day's limit allows it; the address is kept only as a MAC. */
    private boolean mayMail(java.sql.Connection c, Email to) throws SQLException {
        String recipient = keys.macHex(KeyRing.Purpose.COOKIE, "report-recipient:" + to.value().toLowerCase(Locale.ROOT));
        Instant now = now();
        long sent;
        try (var s = Jdbc.prepare(c, "select count(*) from report_mail where recipient = ? and created_at >= ?", recipient, now.minus(Duration.ofDays(1)));
             ResultSet r = s.executeQuery()) {
            r.next();
            sent = r.getLong(1);
        }
        if (sent >= mailsPerRecipient) {
            return false;
        }
        Jdbc.execute(c, "insert into report_mail (recipient, created_at) values (?, ?)", recipient, now);
        return true;
    }

    private String codeMac(ReportReference reference, String code) {
        return keys.macHex(KeyRing.Purpose.COOKIE, "report-contact-code:" + reference.value() + ":" + code);
    }

    /** The same for everyone: a name typed in the form would let anyone sign a message of the mutual's. */
    private static String greeting(Locale locale) {
        return Messages.get(locale, "report.mail.greeting");
    }

    /** The official channels written out for a message: name, how to reach it, what to bring. */
    static String nextSteps(List<OfficialChannels.Route> routes, Locale locale) {
        return routes.stream().map(r -> "- " + r.title(locale) + " — " + r.how(locale) + " "
                + Messages.get(locale, "report.route.bring") + " " + r.bring(locale)).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The member gave a password or a code away: whoever holds it must lose the account now. */
    private void protect(MemberId member, ReportReference reference, Set<Report.Information> given, Actor actor) {
        String reason = "report " + reference.value() + ": " + names(given.stream().filter(ACCOUNT_SECRETS::contains).toList()) + " given away";
        int ended = sessions.revokeAll(member, reason);
        members.requireAction(member, RequiredAction.UPDATE_PASSWORD, actor, reason);
        // Whoever holds the password given away must not be the one who chooses the next.
        proofs.require(member, reason);
        audit.record(actor, "report.account-protected", reference.value(), reason, "sessions-revoked=" + ended + " required=UPDATE_PASSWORD");
    }

    /**
     * Deletes the reports whose retention ({@code rempart.report.retention}) has passed, with their
     * notes and attachments' records (cascade); returns how many. Audited with the count only.
     */
    public int purge(Instant now) {
        List<String> files = new java.util.ArrayList<>();
        int purged = jdbc.transaction(c -> {
            files.addAll(evidence.storageNames(c, "purge_after < ?", now));
            int n = Jdbc.execute(c, "delete from report where purge_after < ?", now);
            if (n > 0) {
                audit.record(Actor.SYSTEM, "reports.purged", null, "retention", "count=" + n + " files=" + files.size());
            }
            return n;
        });
        // The files go once their rows are gone: a crash in between leaves an unreachable file, never a record without its file.
        files.forEach(evidence::delete);
        evidence.purgeDrafts(now);
        jdbc.transaction(c -> Jdbc.execute(c, "delete from report_mail where created_at < ?", now.minus(Duration.ofDays(1))));
        return purged;
    }

    /** A helpdesk note on a report. */
    public record Note(String author, String body, Instant at) {
    }

    /** A report whole, for the member who filed it and the helpdesk: the facts as typed, the files, the notes. */
    public record Details(Report report, Optional<MemberId> member, String assignedTo, Instant updatedAt, ReportForm form,
                          List<ReportEvidence.StoredFile> files, List<Note> notes, List<OfficialChannels.Route> routes) {
        public ReportReference reference() {
            return report.reference();
        }

        /** Only the member who filed it (signed in) and the helpdesk may read a report. */
        public boolean filedBy(MemberId someone) {
            return member.isPresent() && member.get().equals(someone);
        }
    }

    public Optional<Details> find(ReportReference reference) {
        return jdbc.one("select reference, status, kinds, channel, created_at, sender_key, number_key, link_key, assigned_to, member_id, updated_at, facts "
                + "from report where reference = ?", r -> {
                    Report report = report(r);
                    ReportForm form = JsonBinder.bind(jakarta.json.Json.createReader(new java.io.StringReader(r.getString("facts"))).readObject(),
                            ReportForm.class, Locale.FRENCH);
                    Optional<MemberId> member = Optional.ofNullable(r.getObject("member_id", java.util.UUID.class)).map(MemberId::new);
                    return new Details(report, member, report.assignedTo(), Jdbc.instant(r, "updated_at"), form, List.of(), List.of(),
                            OfficialChannels.forCase(form.kindSet(), form.channelValue().orElse(report.channel()), form.informationSet()));
                }, reference.value())
                .map(d -> new Details(d.report(), d.member(), d.assignedTo(), d.updatedAt(), d.form(), evidence.of(reference), notes(reference), d.routes()));
    }

    /** The member's own reports, newest first. */
    public List<Report> filedBy(MemberId member) {
        return jdbc.list("select reference, status, kinds, channel, created_at, sender_key, number_key, link_key, assigned_to from report where member_id = ? "
                + "order by created_at desc", Reports::report, member.value());
    }

    /** The printable pre-complaint: facts in the order the police record them, the evidence, the letter to the procureur when it fits. */
    public byte[] pdf(Details details, Locale locale) {
        return ComplaintRenderer.render(details.reference(), details.report().createdAt(), details.form(),
                details.files().stream().map(ReportEvidence.StoredFile::evidence).toList(), details.routes(), mutualName, locale);
    }

    /** The helpdesk takes a report ({@code assignee}, or nobody when blank); a new report is then in progress. Audited. */
    public boolean assign(ReportReference reference, String assignee, Actor actor) {
        String who = blank(assignee) ? null : assignee.strip();
        if (who == null) {
            return change(reference, actor, "report.assigned", "assignee=-",
                    "update report set assigned_to = null, updated_at = ? where reference = ?", now(), reference.value());
        }
        return change(reference, actor, "report.assigned", "assignee=" + who, "update report set assigned_to = ?, "
                + "status = case when status = 'NEW' then 'IN_PROGRESS' else status end, updated_at = ? where reference = ?", who, now(), reference.value());
    }

    /** Moves a report to another status (a closed one may be reopened). Audited. */
    public boolean setStatus(ReportReference reference, Report.Status status, Actor actor) {
        return change(reference, actor, "report.status-changed", "status=" + status.name(),
                "update report set status = ?, updated_at = ? where reference = ?", status.name(), now(), reference.value());
    }

    /** Adds a helpdesk note; audited without its words (they stay with the report and go with it). */
    public boolean addNote(ReportReference reference, String author, String body, Actor actor) {
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update report set updated_at = ? where reference = ?", now(), reference.value()) == 0) {
                return false;
            }
            Jdbc.execute(c, "insert into report_note (reference, author, body, created_at) values (?, ?, ?, ?)", reference.value(), author, body.strip(), now());
            audit.record(actor, "report.note-added", reference.value(), null, "length=" + body.strip().length());
            return true;
        });
    }

    private boolean change(ReportReference reference, Actor actor, String action, String detail, String sql, Object... parameters) {
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, sql, parameters) == 0) {
                return false;
            }
            audit.record(actor, action, reference.value(), null, detail);
            return true;
        });
    }

    private List<Note> notes(ReportReference reference) {
        return jdbc.list("select author, body, created_at from report_note where reference = ? order by id",
                r -> new Note(r.getString(1), r.getString(2), Jdbc.instant(r, "created_at")), reference.value());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Reports that share a sender, a number or a link: one phishing campaign, seen once with its count. */
    public record Cluster(String by, String key, long count, Instant first, Instant last) {
    }

    /** The clusters of two reports or more, the largest first (the keys are normalised: see {@link ClusterKeys}). */
    public List<Cluster> clusters(int limit) {
        String one = "select '%s' as by_key, %s as cluster_key, count(*) as n, min(created_at) as first_at, max(created_at) as last_at from report "
                + "where %s is not null group by %s having count(*) > 1";
        String sql = String.join(" union all ", String.format(one, "sender", "sender_key", "sender_key", "sender_key"),
                String.format(one, "number", "number_key", "number_key", "number_key"), String.format(one, "link", "link_key", "link_key", "link_key"));
        return jdbc.list("select by_key, cluster_key, n, first_at, last_at from (" + sql + ") c order by n desc, last_at desc fetch first "
                        + Math.max(1, Math.min(limit, 500)) + " rows only",
                r -> new Cluster(r.getString(1), r.getString(2), r.getLong(3), Jdbc.instant(r, "first_at"), Jdbc.instant(r, "last_at")));
    }

    /** The helpdesk's queue, newest first, optionally of one status. */
    public List<Report> queue(Optional<Report.Status> status, int limit) {
        String columns = "select reference, status, kinds, channel, created_at, sender_key, number_key, link_key, assigned_to from report";
        return status.isPresent()
                ? jdbc.list(columns + " where status = ? order by created_at desc limit ?", Reports::report, status.get(), limit)
                : jdbc.list(columns + " order by created_at desc limit ?", Reports::report, limit);
    }

    private Optional<ReportReference> bySubmissionKey(String key) {
        return jdbc.one("select reference from report where submission_key = ?", r -> new ReportReference(r.getString(1)), key);
    }

    /** The facts and the identity as typed (stripped), for the member's own view, the PDF and the helpdesk. */
    static String facts(ReportForm form) {
        JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder();
        for (var component : ReportForm.class.getRecordComponents()) {
            if (component.getName().equals("submissionKey")) {
                continue;
            }
            try {
                Object value = component.getAccessor().invoke(form);
                if (value instanceof String s && !s.isBlank()) {
                    json.add(component.getName(), s.strip());
                } else if (value instanceof List<?> list && !list.isEmpty()) {
                    JsonArrayBuilder array = JsonBinder.JSON.createArrayBuilder();
                    list.forEach(v -> array.add(String.valueOf(v).strip().toUpperCase(Locale.ROOT)));
                    json.add(component.getName(), array);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return json.build().toString();
    }

    private static Report report(ResultSet r) throws SQLException {
        return new Report(new ReportReference(r.getString("reference")), Report.Status.valueOf(r.getString("status")),
                parse(r.getString("kinds"), Report.Kind.class), Report.Channel.valueOf(r.getString("channel")), Jdbc.instant(r, "created_at"),
                r.getString("sender_key"), r.getString("number_key"), r.getString("link_key"), r.getString("assigned_to"));
    }

    private static <E extends Enum<E>> Set<E> parse(String names, Class<E> type) {
        EnumSet<E> set = EnumSet.noneOf(type);
        if (names != null && !names.isBlank()) {
            Arrays.stream(names.trim().split(" +")).map(n -> Enum.valueOf(type, n)).forEach(set::add);
        }
        return set;
    }

    private static String names(Collection<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).sorted().collect(Collectors.joining(" "));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
