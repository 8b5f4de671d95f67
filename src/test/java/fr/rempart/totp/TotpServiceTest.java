package fr.rempart.totp;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.notify.Notices;
import fr.rempart.notify.Outbox;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.testing.RecordedEvents;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** TotpService against the real schema (H2 file database): concurrency, recovery codes, the helpdesk reset. */
class TotpServiceTest {

    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.9", false, "test");
    private TestDatabase db;
    private TotpService totp;
    private SessionStore sessions;
    private MemberRepository repository;

    private RecordedEvents<AccountEvent> events;

    @BeforeEach
    void wire() throws Exception {
        db = new TestDatabase();
        repository = new MemberRepository(db.jdbc, java.time.Clock.systemUTC());
        AuditTrail audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
        SecurityTimeline timeline = new SecurityTimeline(db.jdbc, java.time.Clock.systemUTC());
        totp = new TotpService();
        totp.clock = java.time.Clock.systemUTC();
        totp.jdbc = db.jdbc;
        totp.keys = db.keys;
        totp.settings = db.settings;
        totp.failures = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
        totp.audit = audit;
        totp.timeline = timeline;
        totp.members = new MemberService(db.jdbc, repository, null, null, null, audit, timeline);
        events = new RecordedEvents<>();
        setField(totp.members, "events", events);
        totp.events = events;
        sessions = new SessionStore(db.jdbc, db.settings, events, java.time.Clock.systemUTC());
        totp.sessions = sessions;
        totp.notices = new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings);
        totp.proofs = HardeningProofs.standalone(db.jdbc, db.settings);
    }

    /** A full browser session of the member, as the sign-in pages open one. */
    private WebSession session(Member member) {
        return sessions.find(sessions.create(member.id(), WebSession.Stage.FULL, java.util.Set.of("pwd"), CLIENT)).orElseThrow();
    }

    /** An enrolment started and confirmed in a session of its own. */
    private TotpService.Enrolment enrolled(Member member, long offsetSteps) {
        WebSession session = session(member);
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        totp.confirm(member, session, codeNow(enrolment, offsetSteps), CLIENT).orElseThrow();
        return enrolment;
    }

    private static void setField(Object target, String name, Object value) throws Exception {
        var field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Member member() {
        MemberId id = db.insertMember();
        db.jdbc.update("update member set email = 'totp@example.org', email_key = 'totp@example.org' where id = ?", id.value());
        return repository.byId(id).orElseThrow();
    }

    private String codeNow(TotpService.Enrolment enrolment, long offsetSteps) {
        TotpCodes codes = new TotpCodes("SHA1", 6, 30);
        return codes.code(enrolment.secret(), codes.step(Instant.now().getEpochSecond()) + offsetSteps);
    }

    private static <T> List<T> together(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        pool.shutdown();
        return results;
    }

    @Test
    void twoConcurrentConfirmationsActivateOnceAndIssueOneSetOfCodes() throws Exception {
        Member member = member();
        WebSession session = session(member);
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        String code = codeNow(enrolment, 0);
        List<Optional<List<String>>> results = together(4, () -> totp.confirm(member, session, code, CLIENT));
        assertThat(results.stream().filter(Optional::isPresent).count()).isEqualTo(1);
        assertThat(totp.summary(member.id())).satisfies(s -> {
            assertThat(s.enrolled()).isTrue();
            assertThat(s.recoveryCodesLeft()).isEqualTo(10);
        });
        assertThat(totp.confirm(member, session, codeNow(enrolment, 1), CLIENT)).as("confirmed twice").isEmpty();
    }

    @Test
    void aRecoveryCodeUsedTwiceAtTheSameInstantSucceedsOnce() throws Exception {
        Member member = member();
        WebSession session = session(member);
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        List<String> codes = totp.confirm(member, session, codeNow(enrolment, 0), CLIENT).orElseThrow();
        List<SecondFactor.Result> results = together(4, () -> totp.verify(member, codes.get(3), CLIENT));
        assertThat(results.stream().filter(SecondFactor.Result::accepted).count()).isEqualTo(1);
        assertThat(totp.recoveryCodesLeft(member.id())).isEqualTo(9);
    }

    @Test
    void theSameCodeSentTogetherIsAcceptedOnce() throws Exception {
        Member member = member();
        TotpService.Enrolment enrolment = enrolled(member, -1);
        String next = codeNow(enrolment, 1);
        List<SecondFactor.Result> results = together(4, () -> totp.verify(member, next, CLIENT));
        assertThat(results.stream().filter(SecondFactor.Result::accepted).count()).isEqualTo(1);
        assertThat(results).extracting(SecondFactor.Result::outcome).contains(SecondFactor.Outcome.REPLAYED);
        // The member is warned by e-mail of each replay, not only the person typing.
        assertThat(db.jdbc.list("select subject from outbox_message", r -> r.getString(1))).filteredOn(subject -> subject.contains("déjà utilisé"))
                .isNotEmpty();
    }

    @Test
    void wrongCodesLockTheSecondFactorProgressively() {
        Member member = member();
        TotpService.Enrolment enrolment = enrolled(member, 0);
        List<SecondFactor.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(totp.verify(member, "000000", CLIENT).outcome());
        }
        assertThat(outcomes).contains(SecondFactor.Outcome.LOCKED);
        assertThat(totp.verify(member, codeNow(enrolment, 1), CLIENT).outcome()).isEqualTo(SecondFactor.Outcome.LOCKED);
    }

    @Test
    void theSecretIsSealedAtRest() {
        Member member = member();
        WebSession session = session(member);
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        byte[] pending = db.jdbc.one("select secret from totp_pending where member_id = ?", r -> r.getBytes(1), member.id().value()).orElseThrow();
        assertThat(new String(pending, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(enrolment.secret());
        totp.confirm(member, session, codeNow(enrolment, 0), CLIENT).orElseThrow();
        byte[] stored = db.jdbc.one("select secret from totp_credential where member_id = ?", r -> r.getBytes(1), member.id().value()).orElseThrow();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(enrolment.secret());
        assertThat(enrolment.uri()).startsWith("otpauth://totp/").contains("secret=" + enrolment.secret()).contains("issuer=");
    }

    @Test
    void theHelpdeskResetRemovesTheFactorRequiresANewEnrolmentAndTellsTheMember() {
        Member member = member();
        TotpService.Enrolment enrolment = enrolled(member, 0);
        totp.reset(member, new Actor("staff", "agent-7"), "lost phone, identity checked by one-time code");
        assertThat(totp.enrolled(member.id())).isFalse();
        assertThat(totp.recoveryCodesLeft(member.id())).isZero();
        assertThat(repository.byId(member.id()).orElseThrow().requiredActions()).contains(RequiredAction.CONFIGURE_TOTP);
        assertThat(db.jdbc.list("select action from audit_event order by seq", r -> r.getString(1))).contains("totp.reset");
        // Told twice: when the factor was added, and when the helpdesk removed it.
        assertThat(db.jdbc.list("select recipient from outbox_message", r -> r.getString(1))).containsExactly("totp@example.org", "totp@example.org");
        // Whoever enrolled the removed factor may hold the password: the next enrolment waits for a proof of the contact on file.
        assertThat(totp.proofs.required(member.id())).isTrue();
    }

    @Test
    void aSecondSessionHoldingThePasswordNeverSeesNorConfirmsTheSecretShownToTheFirst() {
        Member member = member();
        WebSession victim = session(member);
        WebSession attacker = session(member);
        TotpService.Enrolment shown = totp.enrolment(member, victim);
        assertThat(totp.enrolment(member, victim).secret()).as("the same page reloaded").isEqualTo(shown.secret());
        TotpService.Enrolment other = totp.enrolment(member, attacker);
        assertThat(other.secret()).isNotEqualTo(shown.secret());
        // The victim's code typed in the attacker's session enrols nothing.
        assertThat(totp.confirm(member, attacker, codeNow(shown, 0), CLIENT)).isEmpty();
        assertThat(totp.enrolled(member.id())).isFalse();

        assertThat(totp.confirm(member, victim, codeNow(shown, 0), CLIENT)).isPresent();
        // Enrolling is a credential change: the other session ended, the member is told, the event goes out.
        assertThat(db.jdbc.one("select count(*) from web_session where sid = ?", r -> r.getInt(1), attacker.sid()).orElseThrow()).isZero();
        assertThat(db.jdbc.one("select count(*) from web_session where sid = ?", r -> r.getInt(1), victim.sid()).orElseThrow()).isOne();
        assertThat(db.jdbc.list("select subject from outbox_message", r -> r.getString(1))).anyMatch(s -> s.contains("ajoutée"));
        assertThat(events.fired).anyMatch(e -> e instanceof AccountEvent.CredentialChanged);
        assertThat(db.jdbc.one("select count(*) from totp_pending where member_id = ?", r -> r.getInt(1), member.id().value()).orElseThrow()).isZero();
    }

    @Test
    void aSecretWaitsTenMinutesForItsFirstCode() {
        Member member = member();
        WebSession session = session(member);
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        // Ten minutes pass (the row's deadline is moved, not the test's clock).
        db.jdbc.update("update totp_pending set expires_at = ? where sid = ?", Instant.now().minusSeconds(1), session.sid());
        assertThat(totp.confirm(member, session, codeNow(enrolment, 0), CLIENT)).isEmpty();
        assertThat(totp.enrolment(member, session).secret()).as("a new secret is shown").isNotEqualTo(enrolment.secret());
    }
}
