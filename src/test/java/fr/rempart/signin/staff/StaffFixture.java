package fr.rempart.signin.staff;


import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Email;
import fr.rempart.password.PasswordHasher;
import fr.rempart.password.PasswordHistory;
import fr.rempart.password.PasswordPolicy;
import fr.rempart.password.corpus.PwnedImport;
import fr.rempart.password.corpus.PwnedPasswords;
import fr.rempart.password.corpus.PwnedStore;
import fr.rempart.platform.limits.AddressLimiter;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.testing.MovableClock;
import fr.rempart.testing.TestDatabase;
import fr.rempart.totp.TotpCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The staff sign-in wired by hand over a real (H2 file) database, as the container wires it. */
final class StaffFixture implements AutoCloseable {

    static final ClientInfo CLIENT = new ClientInfo("192.0.2.7", false, "test");
    static final Actor ADMIN = Actor.token("test", "admin");
    static final String BREACHED = "correct horse battery staple";

    final TestDatabase db;
    final MovableClock clock = new MovableClock();
    final StaffRepository repository;
    final StaffSessionStore sessions;
    final PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Argon2Parameters(8192, 1, 1));
    final FailureCounter failures;
    final AuditTrail audit;
    final StaffSignIn signIn;
    final StaffTotp totp;
    final StaffAccounts accounts;
    final StaffSessions staffSessions;

    StaffFixture(String... settings) throws Exception {
        db = new TestDatabase(settings);
        repository = new StaffRepository(db.jdbc, java.time.Clock.systemUTC());
        sessions = new StaffSessionStore(db.jdbc, db.settings, clock);
        failures = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
        audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
        signIn = new StaffSignIn(repository, hasher, failures, new AddressLimiter(1000, clock), audit, db.keys);
        totp = new StaffTotp(repository, sessions, db.keys, db.settings, failures, audit, java.time.Clock.systemUTC());
        accounts = new StaffAccounts(db.jdbc, repository, sessions, hasher, policy(db), new FormValidator(), audit);
        staffSessions = new StaffSessions(sessions, repository, audit, db.settings);
    }

    private static PasswordPolicy policy(TestDatabase db) throws Exception {
        Path store = Files.createTempDirectory("pwned").resolve("pwned.bin");
        try (PwnedImport importer = new PwnedImport(store)) {
            importer.add(MessageDigest.getInstance("SHA-1").digest(BREACHED.getBytes(StandardCharsets.UTF_8)), 42);
            importer.finish();
        }
        return new PasswordPolicy(db.settings, PwnedPasswords.serving(PwnedStore.open(store)), new PasswordHistory(db.jdbc, db.keys, db.settings, java.time.Clock.systemUTC()));
    }

    /** An account created through the admin path: a generated password it must change, no second factor yet. */
    StaffAccounts.Created create(String username, String... groups) {
        return accounts.create(new StaffForm(username, "Camille Durand", username + "@mutuelle.example", List.of(groups)), ADMIN, Locale.FRENCH);
    }

    /** An account with a known password and an enrolled secret, as the demo data has. */
    StaffAccount enrolled(String username, String password, String secret) {
        StaffId id = StaffId.random();
        repository.insert(new StaffRepository.NewAccount(id, Username.parse(username), "Camille Durand",
                Email.parse(username + "@mutuelle.example"), java.util.EnumSet.of(StaffGroup.HELPDESK_AGENT), hasher.hash(password), false));
        repository.confirmTotp(id, totp.seal(id, secret), "SHA1", 6, 30, -1);
        return repository.byId(id).orElseThrow();
    }

    static String code(String secret, long offsetSteps) {
        TotpCodes codes = new TotpCodes("SHA1", 6, 30);
        return codes.code(secret, codes.step(Instant.now().getEpochSecond()) + offsetSteps);
    }

    List<String> actions() {
        return db.jdbc.list("select action from audit_event order by seq", r -> r.getString(1));
    }

    List<String> auditText() {
        return db.jdbc.list("select concat(actor, '|', action, '|', coalesce(subject, ''), '|', coalesce(reason, ''), '|', coalesce(detail, '')) "
                + "from audit_event order by seq", r -> r.getString(1));
    }

    @Override
    public void close() {
        db.close();
    }
}
