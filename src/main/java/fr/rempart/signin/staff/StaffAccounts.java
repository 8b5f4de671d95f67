package fr.rempart.signin.staff;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Email;
import fr.rempart.password.PasswordHasher;
import fr.rempart.password.PasswordPolicy;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.password.policy.PersonalDataRule;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Creating staff accounts and their passwords. An administrator never chooses a staff member's
 * password: Rempart generates the first one (100 random bits), shows it once, and the staff member
 * must replace it at the first sign-in, after enrolling the second factor. The new password goes
 * through the members' policy (breached corpus, common words, sequences, strength floor) at the length
 * required without a second factor (15 by default), and may not contain the staff member's name, username or e-mail address.
 */
@ApplicationScoped
public class StaffAccounts {

    public record Created(StaffAccount account, String initialPassword) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 symbols without look-alikes (no l, o, 0, 1): 5 bits each. */
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private Jdbc jdbc;
    private StaffRepository staff;
    private StaffSessionStore sessions;
    private PasswordHasher hasher;
    private PasswordPolicy policy;
    private FormValidator validator;
    private AuditTrail audit;

    protected StaffAccounts() {
    }

    @Inject
    public StaffAccounts(Jdbc jdbc, StaffRepository staff, StaffSessionStore sessions, PasswordHasher hasher, PasswordPolicy policy,
                         FormValidator validator, AuditTrail audit) {
        this.jdbc = jdbc;
        this.staff = staff;
        this.sessions = sessions;
        this.hasher = hasher;
        this.policy = policy;
        this.validator = validator;
        this.audit = audit;
    }

    /** Creates the account with a generated password to show once; 409 when the username is taken. */
    public Created create(StaffForm form, Actor actor, Locale locale) {
        validator.check(form, locale);
        Set<StaffGroup> groups = EnumSet.noneOf(StaffGroup.class);
        form.groups().forEach(g -> groups.add(StaffGroup.of(g).orElseThrow()));
        String password = initialPassword();
        StaffRepository.NewAccount account = new StaffRepository.NewAccount(StaffId.random(), Username.parse(form.username()),
                form.displayName().strip(), Email.parse(form.email()), groups, hasher.hash(password), true);
        jdbc.transaction(c -> {
            if (!staff.insert(account)) {
                throw new ProblemException(409, "staff.username-taken");
            }
            audit.record(actor, "staff.created", "staff:" + account.username().value(), null, "groups=" + StaffRepository.groups(groups));
            return null;
        });
        return new Created(staff.byId(account.id()).orElseThrow(), password);
    }

    /** 20 characters in four groups ({@code abcde-fghij-…}): 100 random bits, for one sign-in only. */
    static String initialPassword() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                password.append('-');
            }
            password.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return password.toString();
    }

    /** What a staff member's password is checked against besides the general rules: their name, username and e-mail. */
    static PasswordContext context(StaffAccount account) {
        // Without a second factor's allowance: staff accounts reach every member, so the full minimum length applies.
        return new PasswordContext(account.displayName(), null, null, null, account.username().value(), account.email().localPart(), false, List.of());
    }

    public int minLength(StaffAccount account) {
        return policy.minLength(context(account));
    }

    public int maxLength() {
        return policy.maxLength();
    }

    /**
     * Every reason to refuse this new password, by field ({@code newPassword}, {@code confirmPassword});
     * empty when it may be set.
     */
    public Map<String, List<String>> check(StaffAccount account, String password, String confirmation, Locale locale) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        PasswordPolicy.Verdict verdict = policy.check(password, context(account), locale);
        List<String> messages = new ArrayList<>();
        for (PasswordPolicy.Violation v : verdict.violations()) {
            // The members' wording speaks of leaked data and member numbers; say what a staff password must avoid.
            String message = PersonalDataRule.ERROR_CODE.equals(v.code()) ? Messages.get(locale, "staff.password.personal-data") : v.message();
            if (!messages.contains(message)) {
                messages.add(message);
            }
        }
        if (messages.isEmpty() && staff.passwordHash(account.id()).map(h -> hasher.verify(password, h).matches()).orElse(false)) {
            messages.add(Messages.get(locale, "password.rule.SAME_AS_CURRENT"));
        }
        if (!messages.isEmpty()) {
            errors.put("newPassword", messages);
        } else if (!password.equals(confirmation)) {
            errors.put("confirmPassword", List.of(Messages.get(locale, "password.confirmation-differs")));
        }
        return errors;
    }

    /** Sets a checked password; every other session of the account ends, this one goes on. */
    public void changePassword(StaffAccount account, String password, StaffSession keep, ClientInfo client) {
        String hash = hasher.hash(password);
        jdbc.transaction(c -> {
            staff.changePassword(account.id(), hash);
            int ended = sessions.revokeOthers(account.id(), keep);
            audit.record(Actor.staff(account.username().value()), "staff.password.changed", account.auditSubject(),
                    account.mustChangePassword() ? "initial password replaced" : null, "ip=" + client.address() + " other-sessions-ended=" + ended);
            return null;
        });
    }
}
