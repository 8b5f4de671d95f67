package fr.rempart.breach;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.BirthDates;
import fr.rempart.notify.NoticeFacts;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FormValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.security.SecureRandom;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Declares incidents and reads them back; every declaration is in the audit trail. Tells the notices
 * what to say about an incident ({@link NoticeFacts}).
 */
@ApplicationScoped
public class Incidents implements NoticeFacts {

    private Clock clock;

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Jdbc jdbc;
    private FormValidator validator;
    private AuditTrail audit;

    protected Incidents() {
    }

    @Inject
    public Incidents(Jdbc jdbc, FormValidator validator, AuditTrail audit, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.validator = validator;
        this.audit = audit;
    }

    /** Incidents for an operator command, which only reads them: declaring one needs the container's Bean Validation. */
    static Incidents reader(Jdbc jdbc) {
        return new Incidents(jdbc, null, null, java.time.Clock.systemUTC());
    }

    /** Validates and records the incident; {@link fr.rempart.platform.validation.InvalidInputException} before anything is written. */
    public Incident declare(IncidentForm form, Actor actor, Locale locale) {
        validator.check(form, locale);
        Instant now = clock.instant();
        IncidentForm.PolicyForm p = form.policy();
        Incident incident = new Incident(newId(now), form.title().strip(), form.source().strip(), date(form.occurredFrom()),
                form.occurredTo() == null || form.occurredTo().isBlank() ? null : date(form.occurredTo()), date(form.discoveredOn()),
                IncidentForm.categories(form.leaked()).orElseThrow(), IncidentForm.categories(form.notLeaked()).orElseThrow(),
                new Incident.Policy(p == null || !Boolean.FALSE.equals(p.updatePassword()), p == null || !Boolean.FALSE.equals(p.configureTotp()),
                        p == null || !Boolean.FALSE.equals(p.revokeSessions())), now, actor.toString());
        jdbc.transaction(c -> {
            Jdbc.execute(c, "insert into incident (id, title, source, occurred_from, occurred_to, discovered_on, leaked, not_leaked, update_password, "
                            + "configure_totp, revoke_sessions, declared_at, declared_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    incident.id(), incident.title(), incident.source(), Date.valueOf(incident.occurredFrom()),
                    incident.occurredTo() == null ? null : Date.valueOf(incident.occurredTo()), Date.valueOf(incident.discoveredOn()),
                    names(incident.leaked()), names(incident.notLeaked()), incident.policy().updatePassword(), incident.policy().configureTotp(),
                    incident.policy().revokeSessions(), now, incident.declaredBy());
            audit.record(actor, "incident.declared", incident.id(), incident.title(),
                    "leaked=" + names(incident.leaked()) + " policy=" + incident.policy());
            return null;
        });
        return incident;
    }

    public Optional<Incident> find(String id) {
        return id == null || id.length() > 40 ? Optional.empty() : jdbc.one("select * from incident where id = ?", Incidents::incident, id);
    }

    /** {@code INC-20261123-7K2Q}: the declaration date, readable on the phone, and four random characters. */
    @Override
    public Optional<Breach> breach(String incident, Locale locale) {
        return find(incident).map(i -> new Breach(i.source(), i.discoveredOn(), labels(i.leaked(), locale), labels(i.notLeaked(), locale)));
    }

    private static String labels(Set<Incident.DataCategory> categories, Locale locale) {
        return categories.stream().map(c -> fr.rempart.platform.web.Messages.get(locale, "breach.category." + c.name())).collect(Collectors.joining(", "));
    }

    static String newId(Instant now) {
        StringBuilder id = new StringBuilder("INC-").append(DateTimeFormatter.ofPattern("uuuuMMdd").format(now.atZone(ZoneOffset.UTC))).append('-');
        for (int i = 0; i < 4; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    private static LocalDate date(String value) {
        return BirthDates.parse(value).orElseThrow();
    }

    private static String names(Set<Incident.DataCategory> categories) {
        return categories.stream().map(Enum::name).sorted().collect(Collectors.joining(" "));
    }

    private static Set<Incident.DataCategory> categories(String names) {
        EnumSet<Incident.DataCategory> set = EnumSet.noneOf(Incident.DataCategory.class);
        if (names != null && !names.isBlank()) {
            Arrays.stream(names.trim().split(" +")).map(Incident.DataCategory::valueOf).forEach(set::add);
        }
        return set;
    }

    private static Incident incident(ResultSet r) throws SQLException {
        Date to = r.getDate("occurred_to");
        return new Incident(r.getString("id"), r.getString("title"), r.getString("source"), r.getDate("occurred_from").toLocalDate(),
                to == null ? null : to.toLocalDate(), r.getDate("discovered_on").toLocalDate(), categories(r.getString("leaked")),
                categories(r.getString("not_leaked")), new Incident.Policy(r.getBoolean("update_password"), r.getBoolean("configure_totp"),
                r.getBoolean("revoke_sessions")), Jdbc.instant(r, "declared_at"), r.getString("declared_by"));
    }
}
