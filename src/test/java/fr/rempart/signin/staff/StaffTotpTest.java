package fr.rempart.signin.staff;

import fr.rempart.totp.TotpService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The staff's second factor against the real schema: enrolment per session, each step once, the lockout, the sealed secret. */
class StaffTotpTest {

    private static final String SECRET = "KRSXG5CTMVRXEZLUNBUW4ZZAGEZDGNBV";
    private StaffFixture staff;

    @BeforeEach
    void wire() throws Exception {
        staff = new StaffFixture("rempart.signin.free-attempts", "3", "rempart.signin.base-delay", "PT30S");
    }

    @AfterEach
    void close() {
        staff.close();
    }

    private StaffSession session(StaffAccount account, StaffSession.Stage stage) {
        return staff.sessions.find(staff.sessions.create(account.id(), stage, Set.of("pwd"), StaffFixture.CLIENT)).orElseThrow();
    }

    @Test
    void eachEnrollingSessionHasASecretOfItsOwnAndTheFirstConfirmationWins() {
        StaffAccount account = staff.create("c.durand", "helpdesk-agent").account();
        StaffSession mine = session(account, StaffSession.Stage.TOTP_ENROL);
        StaffSession other = session(account, StaffSession.Stage.TOTP_ENROL);
        TotpService.Enrolment enrolment = staff.totp.enrolment(account, mine);
        assertThat(enrolment.secret()).hasSize(32);
        assertThat(staff.totp.enrolment(account, mine).secret()).as("shown again, unchanged").isEqualTo(enrolment.secret());
        TotpService.Enrolment others = staff.totp.enrolment(account, other);
        assertThat(others.secret()).isNotEqualTo(enrolment.secret());
        assertThat(enrolment.uri()).startsWith("otpauth://totp/").contains("c.durand");

        assertThat(staff.totp.confirm(account, mine, "000000", StaffFixture.CLIENT)).isFalse();
        assertThat(staff.totp.confirm(account, mine, StaffFixture.code(enrolment.secret(), 0), StaffFixture.CLIENT)).isTrue();
        assertThat(staff.totp.confirm(account, other, StaffFixture.code(others.secret(), 0), StaffFixture.CLIENT)).isFalse();
        assertThat(staff.repository.byId(account.id()).orElseThrow().totpEnrolled()).isTrue();
        assertThat(staff.actions()).containsOnlyOnce("staff.totp.enrolled");
    }

    @Test
    void theEnrolmentCodeCannotBeUsedAgainToSignIn() {
        StaffAccount account = staff.create("c.durand", "helpdesk-agent").account();
        StaffSession session = session(account, StaffSession.Stage.TOTP_ENROL);
        String secret = staff.totp.enrolment(account, session).secret();
        String code = StaffFixture.code(secret, 0);
        assertThat(staff.totp.confirm(account, session, code, StaffFixture.CLIENT)).isTrue();
        assertThat(staff.totp.verify(account, code, StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.REPLAYED);
    }

    @Test
    void totpCodeIsAcceptedOnlyOnce() {
        StaffAccount account = staff.enrolled("agent", "guichet-violette-ardoise-31", SECRET);
        String now = StaffFixture.code(SECRET, 0);
        assertThat(staff.totp.verify(account, now.substring(0, 3) + " " + now.substring(3), StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.ACCEPTED);
        assertThat(staff.totp.verify(account, now, StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.REPLAYED);
        assertThat(staff.totp.verify(account, StaffFixture.code(SECRET, -1), StaffFixture.CLIENT)).as("an earlier step").isEqualTo(StaffTotp.Outcome.REPLAYED);
        assertThat(staff.totp.verify(account, StaffFixture.code(SECRET, 1), StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.ACCEPTED);
        assertThat(staff.actions()).contains("staff.otp.replayed");
        assertThat(String.join("\n", staff.auditText())).doesNotContain(now);
    }

    @Test
    void theSameCodeSentTogetherIsAcceptedOnce() throws Exception {
        StaffAccount account = staff.enrolled("agent", "guichet-violette-ardoise-31", SECRET);
        String code = StaffFixture.code(SECRET, 0);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<StaffTotp.Outcome>> tries = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                tries.add(() -> staff.totp.verify(account, code, StaffFixture.CLIENT));
            }
            long accepted = 0;
            for (Future<StaffTotp.Outcome> f : pool.invokeAll(tries)) {
                accepted += f.get() == StaffTotp.Outcome.ACCEPTED ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrongCodesLockTheAccountsCodeScopeEvenForTheRightCode() {
        StaffAccount account = staff.enrolled("agent", "guichet-violette-ardoise-31", SECRET);
        String right = StaffFixture.code(SECRET, 0);
        String wrong = right.equals("123456") ? "654321" : "123456";
        for (int i = 0; i < 4; i++) {
            assertThat(staff.totp.verify(account, wrong, StaffFixture.CLIENT)).isIn(StaffTotp.Outcome.INVALID);
        }
        assertThat(staff.totp.verify(account, right, StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.LOCKED);
        assertThat(staff.db.jdbc.list("select scope_key from signin_failure", r -> r.getString(1))).containsExactly("sotp:" + account.id());
        assertThat(staff.totp.verify(account, "12a456", StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.MALFORMED);
    }

    @Test
    void theSecretIsSealedAndBoundToItsAccount() {
        StaffAccount agent = staff.enrolled("agent", "guichet-violette-ardoise-31", SECRET);
        StaffAccount other = staff.enrolled("other", "balise-cobalt-marelle-58", "ONUXA2LSMVZXI2LPNYQGC3DQNBQWEZLU");
        byte[] stored = staff.db.jdbc.one("select totp_secret from staff_account where id = ?", r -> r.getBytes(1), agent.id().value()).orElseThrow();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        // Copied onto another account's row, the sealed secret does not open.
        staff.db.jdbc.update("update staff_account set totp_secret = ? where id = ?", stored, other.id().value());
        assertThatThrownBy(() -> staff.totp.verify(other, StaffFixture.code(SECRET, 0), StaffFixture.CLIENT)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void anAccountWithoutASecondFactorHasNoCodeToCheck() {
        StaffAccount account = staff.create("c.durand", "helpdesk-agent").account();
        assertThat(staff.totp.verify(account, "123456", StaffFixture.CLIENT)).isEqualTo(StaffTotp.Outcome.NOT_ENROLLED);
    }
}
