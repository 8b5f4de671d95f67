package fr.rempart.signin.staff;

import fr.rempart.member.Email;
import fr.rempart.notify.SecurityAdmins;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Staff accounts in the database. Every write that guards a security property is one conditional
 * update: the hash upgrade (compare and set), the first confirmation of a second factor, and the
 * last accepted time step, which only moves forward.
 */
@ApplicationScoped
public class StaffRepository implements SecurityAdmins {

    private Clock clock;

    /** What the password step needs: the account and its hash, read together. */
    public record SignInRecord(StaffAccount account, String passwordHash) {
    }

    /** The account's second factor as stored: the sealed secret and the parameters it was enrolled with. */
    public record TotpRecord(byte[] sealedSecret, String algorithm, int digits, int period) {
    }

    /** A new account: everything but the second factor, which is enrolled at the first sign-in (or given, for demo data). */
    public record NewAccount(StaffId id, Username username, String displayName, Email email, Set<StaffGroup> groups, String passwordHash,
                             boolean mustChangePassword) {
    }

    private static final String COLUMNS = "id, username, display_name, email, staff_groups, must_change_password, totp_confirmed_at, disabled, "
            + "created_at, updated_at";

    private Jdbc jdbc;

    protected StaffRepository() {
    }

    @Inject
    public StaffRepository(Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    public Optional<StaffAccount> byId(StaffId id) {
        return jdbc.one("select " + COLUMNS + " from staff_account where id = ?", StaffRepository::account, id.value());
    }

    /** The account the external identity provider signed in under this subject ("issuer|sub" hashed, as at sign-in), disabled or not. */
    public Optional<StaffAccount> byExternalSubject(String subject) {
        return jdbc.one("select " + COLUMNS + " from staff_account where external_subject = ?", StaffRepository::account, subject);
    }

    /** The e-mail addresses of the active accounts in a group (alerts to the helpdesk supervisors). */
    @Override
    public List<Email> securityAdminEmails() {
        return emailsIn(StaffGroup.SECURITY_ADMIN);
    }

    public List<Email> emailsIn(StaffGroup group) {
        return jdbc.list("select email from staff_account where not disabled and (' ' || staff_groups || ' ') like ?",
                r -> new Email(r.getString(1)), "% " + group.value() + " %");
    }

    public Optional<StaffAccount> byUsername(Username username) {
        return jdbc.one("select " + COLUMNS + " from staff_account where username = ?", StaffRepository::account, username.value());
    }

    /** The account and its hash for a typed name, canonicalised; one query whether or not it exists. */
    public Optional<SignInRecord> forSignIn(String typedUsername) {
        // Accounts of the external identity provider have no password of ours: the password sign-in does not know them.
        return jdbc.one("select " + COLUMNS + ", password_hash from staff_account where username = ? and external_subject is null",
                r -> new SignInRecord(account(r), r.getString("password_hash")), Username.canonical(typedUsername));
    }

    /**
     * Inserts the account; false when the username is taken (the unique constraint decides, so two
     * concurrent creations of one name cannot both succeed).
     */
    public boolean insert(NewAccount a) {
        Instant now = clock.instant();
        try {
            jdbc.update("insert into staff_account (id, username, display_name, email, staff_groups, password_hash, must_change_password, "
                            + "totp_last_step, disabled, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, -1, false, ?, ?)",
                    a.id().value(), a.username().value(), a.displayName(), a.email().value(), groups(a.groups()), a.passwordHash(),
                    a.mustChangePassword(), now, now);
            return true;
        } catch (Jdbc.DataAccessException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The account of a person signed in by the external identity provider ({@code subject}:
     * "issuer|sub"), created at their first sign-in and given the provider's name, e-mail and groups
     * at each one. Empty when the username is already a local account's: an external sign-in never
     * takes over an account of ours.
     */
    public Optional<StaffAccount> upsertExternal(String subject, Username username, String displayName, Email email, Set<StaffGroup> groups) {
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update staff_account set display_name = ?, email = ?, staff_groups = ?, updated_at = ? where external_subject = ?",
                    displayName, email.value(), groups(groups), now, subject) == 0) {
                try {
                    Jdbc.execute(c, "insert into staff_account (id, username, display_name, email, staff_groups, password_hash, must_change_password, "
                                    + "totp_last_step, disabled, created_at, updated_at, external_subject) values (?, ?, ?, ?, ?, '!external', false, -1, false, ?, ?, ?)",
                            UUID.randomUUID(), username.value(), displayName, email.value(), groups(groups), now, now, subject);
                } catch (SQLException e) {
                    if (Jdbc.isUniqueViolation(e)) {
                        return Optional.<StaffAccount>empty();
                    }
                    throw e;
                }
            }
            try (var s = Jdbc.prepare(c, "select " + COLUMNS + " from staff_account where external_subject = ?", subject); ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(account(r)) : Optional.<StaffAccount>empty();
            }
        });
    }

    /** Replaces the hash only if it is still the one verified (a re-hash at sign-in never overwrites a change made meanwhile). */
    public boolean upgradeHash(StaffId id, String verified, String upgraded) {
        return jdbc.update("update staff_account set password_hash = ? where id = ? and password_hash = ?", upgraded, id.value(), verified) == 1;
    }

    /** Sets a password chosen by the staff member: the forced change, if any, is done. */
    public void changePassword(StaffId id, String hash) {
        jdbc.update("update staff_account set password_hash = ?, must_change_password = false, updated_at = ? where id = ?",
                hash, clock.instant(), id.value());
    }

    public Optional<String> passwordHash(StaffId id) {
        return jdbc.one("select password_hash from staff_account where id = ?", r -> r.getString(1), id.value());
    }

    public Optional<TotpRecord> totp(StaffId id) {
        return jdbc.one("select totp_secret, totp_algorithm, totp_digits, totp_period from staff_account where id = ? and totp_confirmed_at is not null",
                r -> new TotpRecord(r.getBytes(1), r.getString(2), r.getInt(3), r.getInt(4)), id.value());
    }

    /**
     * Makes the secret the account's second factor, with the step of the code that confirmed it as
     * the last accepted one; false when the account already has one (another session confirmed first).
     */
    public boolean confirmTotp(StaffId id, byte[] sealedSecret, String algorithm, int digits, int period, long step) {
        Instant now = clock.instant();
        return jdbc.update("update staff_account set totp_secret = ?, totp_algorithm = ?, totp_digits = ?, totp_period = ?, "
                        + "totp_confirmed_at = ?, totp_last_step = ?, updated_at = ? where id = ? and totp_confirmed_at is null",
                sealedSecret, algorithm, digits, period, now, step, now, id.value()) == 1;
    }

    /** Moves the last accepted step forward to this one; false when it is not later (the code was already used). */
    public boolean acceptStep(StaffId id, long step) {
        return jdbc.update("update staff_account set totp_last_step = ? where id = ? and totp_confirmed_at is not null and totp_last_step < ?",
                step, id.value(), step) == 1;
    }

    static String groups(Set<StaffGroup> groups) {
        return groups.stream().map(StaffGroup::value).sorted().collect(Collectors.joining(" "));
    }

    private static StaffAccount account(ResultSet r) throws SQLException {
        Set<StaffGroup> groups = EnumSet.noneOf(StaffGroup.class);
        Arrays.stream(r.getString("staff_groups").split(" ")).map(StaffGroup::of).flatMap(Optional::stream).forEach(groups::add);
        return new StaffAccount(new StaffId(r.getObject("id", UUID.class)), new Username(r.getString("username")), r.getString("display_name"),
                Email.parse(r.getString("email")), groups, r.getBoolean("must_change_password"), Jdbc.instant(r, "totp_confirmed_at"),
                r.getBoolean("disabled"), Jdbc.instant(r, "created_at"), Jdbc.instant(r, "updated_at"));
    }
}
