package fr.rempart.member;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Creates and updates members, one from the admin API or a batch from an import, validated before any write. */
@ApplicationScoped
public class MemberService {

    /** The outcome of saving one member. */
    public record Saved(Member member, boolean created) {
    }

    /** A form with the line it came from (imports). */
    public record Numbered(long line, MemberForm form) {
    }

    /** A refused row: its line, the field, a code and a message. */
    public record Reject(long line, String field, String code, String message) {
    }

    public record BatchOutcome(int created, int updated, List<Reject> rejects) {
    }

    private Jdbc jdbc;
    private MemberRepository repository;
    private NirProtector nirs;
    private InitialPasswords passwords;
    private FormValidator validator;
    private AuditTrail audit;
    private SecurityTimeline timeline;
    @Inject
    Event<AccountEvent> events;

    protected MemberService() {
    }

    @Inject
    public MemberService(Jdbc jdbc, MemberRepository repository, NirProtector nirs, InitialPasswords passwords, FormValidator validator, AuditTrail audit, SecurityTimeline timeline) {
        this.jdbc = jdbc;
        this.repository = repository;
        this.nirs = nirs;
        this.passwords = passwords;
        this.validator = validator;
        this.audit = audit;
        this.timeline = timeline;
    }

    public Saved save(MemberForm form, Actor actor, Locale locale) {
        validator.check(form, locale);
        String initialHash = null;
        if (form.password() != null) {
            List<FieldError> errors = passwords.check(form, locale);
            if (!errors.isEmpty()) {
                throw new InvalidInputException(errors);
            }
            initialHash = passwords.hash(form.password());
        }
        String hash = initialHash != null ? initialHash : form.passwordHash();
        try {
            Saved saved = jdbc.transaction(c -> {
                MemberId existing = repository.idsByNumber(c, List.of(MemberNumber.parse(form.memberNumber()).value()))
                        .get(MemberNumber.parse(form.memberNumber()).value());
                MemberId id = existing != null ? existing : MemberId.random();
                MemberRepository.Row row = row(id, form);
                if (existing == null) {
                    repository.insert(c, List.of(row));
                } else {
                    repository.update(c, List.of(row));
                }
                if (hash != null) {
                    passwords.storeIfAbsent(c, Map.of(id, hash));
                }
                audit.record(actor, existing == null ? "member.created" : "member.updated", row.number().value(), null,
                        hash == null ? null : form.password() != null ? "initial password set" : "legacy password hash imported");
                timeline.record(id, existing == null ? "account.created" : "account.updated", null, null);
                if (form.requiredActions() != null) {
                    form.requiredActions().forEach(a -> requireAction(id, RequiredAction.valueOf(a), actor, "set by the administrator"));
                }
                if (form.password() != null) {
                    // An administrator never chooses a member's password: an initial one must be replaced at first sign-in.
                    requireAction(id, RequiredAction.UPDATE_PASSWORD, actor, "initial password set by the administrator");
                }
                return new Saved(repository.byId(id).orElseThrow(), existing == null);
            });
            hashesStored(form.passwordHash() != null);
            return saved;
        } catch (Jdbc.DataAccessException e) {
            if (Jdbc.isUniqueViolation(e)) {
                throw new InvalidInputException(List.of(new FieldError("email", "taken", Messages.get(locale, "member.email-taken"))));
            }
            throw e;
        }
    }

    private void hashesStored(boolean imported) {
        if (imported) {
            passwords.imported();
        }
    }

    /**
     * Saves a batch of already validated forms in one transaction (one lookup, batched writes). When a
     * row breaks a uniqueness rule the batch is replayed row by row, so only that row is refused.
     */
    public BatchOutcome saveBatch(List<Numbered> batch, Locale locale) {
        try {
            BatchOutcome outcome = jdbc.transaction(c -> write(c, batch));
            hashesStored(batch.stream().anyMatch(n -> n.form().passwordHash() != null));
            return outcome;
        } catch (Jdbc.DataAccessException e) {
            if (!Jdbc.isUniqueViolation(e) || batch.size() == 1) {
                if (Jdbc.isUniqueViolation(e)) {
                    return new BatchOutcome(0, 0, List.of(new Reject(batch.get(0).line(), "email", "taken", Messages.get(locale, "member.email-taken"))));
                }
                throw e;
            }
            int created = 0;
            int updated = 0;
            List<Reject> rejects = new ArrayList<>();
            for (Numbered one : batch) {
                BatchOutcome outcome = saveBatch(List.of(one), locale);
                created += outcome.created();
                updated += outcome.updated();
                rejects.addAll(outcome.rejects());
            }
            return new BatchOutcome(created, updated, rejects);
        }
    }

    private BatchOutcome write(Connection c, List<Numbered> batch) throws SQLException {
        // The last row wins when a file names the same member twice.
        Map<String, MemberForm> byNumber = new LinkedHashMap<>();
        for (Numbered n : batch) {
            byNumber.put(MemberNumber.parse(n.form().memberNumber()).value(), n.form());
        }
        Map<String, MemberId> existing = repository.idsByNumber(c, byNumber.keySet());
        List<MemberRepository.Row> inserts = new ArrayList<>();
        List<MemberRepository.Row> updates = new ArrayList<>();
        Map<MemberId, String> hashes = new HashMap<>();
        for (var entry : byNumber.entrySet()) {
            MemberId known = existing.get(entry.getKey());
            MemberId id = known != null ? known : MemberId.random();
            (known != null ? updates : inserts).add(row(id, entry.getValue()));
            if (entry.getValue().passwordHash() != null) {
                hashes.put(id, entry.getValue().passwordHash());
            }
        }
        repository.insert(c, inserts);
        repository.update(c, updates);
        passwords.storeIfAbsent(c, hashes);
        return new BatchOutcome(inserts.size(), batch.size() - inserts.size(), List.of());
    }

    /** Marks a required action done; the member's timeline and the audit trail record it. */
    public Member completeRequiredAction(MemberId id, RequiredAction action, Actor actor) {
        return jdbc.transaction(c -> {
            Member member = repository.byId(id).orElseThrow();
            java.util.Set<RequiredAction> remaining = EnumSet.noneOf(RequiredAction.class);
            remaining.addAll(member.requiredActions());
            if (remaining.remove(action)) {
                repository.setRequiredActions(id, remaining);
                audit.record(actor, "required-action.completed", member.number().value(), null, action.name());
                timeline.record(id, "required-action.completed", null, action.name());
            }
            return repository.byId(id).orElseThrow();
        });
    }

    /** Adds a required action (a reset forced by an incident, the helpdesk or the demo data). */
    public void requireAction(MemberId id, RequiredAction action, Actor actor, String reason) {
        jdbc.transaction(c -> {
            Member member = repository.byId(id).orElseThrow();
            java.util.Set<RequiredAction> actions = EnumSet.noneOf(RequiredAction.class);
            actions.addAll(member.requiredActions());
            if (actions.add(action)) {
                repository.setRequiredActions(id, actions);
                audit.record(actor, "required-action.set", member.number().value(), reason, action.name());
                timeline.record(id, "required-action.set", null, action.name());
                if (action == RequiredAction.UPDATE_PASSWORD) {
                    events.fire(new AccountEvent.CredentialChangeRequired(id, reason));
                }
            }
            return null;
        });
    }

    private MemberRepository.Row row(MemberId id, MemberForm form) {
        Nir nir = Nir.parse(form.nir());
        MemberForm.AddressForm a = form.address();
        PostalAddress address = a == null ? null : new PostalAddress(a.line1().strip(), a.line2() == null || a.line2().isBlank() ? null : a.line2().strip(),
                a.postcode().strip(), a.city().strip(), a.country() == null ? "FR" : a.country());
        return new MemberRepository.Row(id, MemberNumber.parse(form.memberNumber()), nirs.seal(id, nir), nirs.index(nir), nir.masked(),
                PersonName.parse(form.lastName()), PersonName.parse(form.firstName()), BirthDates.parse(form.birthDate()).orElseThrow(),
                Sex.parse(form.sex()).orElseThrow(), blank(form.email()) ? null : Email.parse(form.email()),
                blank(form.phone()) ? null : PhoneNumber.parse(form.phone()).orElseThrow(), address,
                form.language() == null ? "fr" : form.language(), EnumSet.noneOf(RequiredAction.class));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
