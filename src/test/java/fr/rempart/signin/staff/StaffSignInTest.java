package fr.rempart.signin.staff;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The staff password step against the real schema: same answers, attempts counted before the hash, audit without secrets. */
class StaffSignInTest {

    private static final String PASSWORD = "guichet-violette-ardoise-31";
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

    @Test
    void theRightPasswordSignsInWhateverTheCaseOfTheUsername() {
        StaffAccount agent = staff.enrolled("agent", PASSWORD, SECRET);
        StaffSignIn.Result result = staff.signIn.signIn("  AGENT ", PASSWORD, StaffFixture.CLIENT);
        assertThat(result.outcome()).isEqualTo(StaffSignIn.Outcome.SUCCEEDED);
        assertThat(result.account().id()).isEqualTo(agent.id());
        assertThat(staff.actions()).containsExactly("staff.signin.password-accepted");
    }

    @Test
    void anUnknownNameAndAWrongPasswordGetTheSameAnswerAndAreBothAudited() {
        staff.enrolled("agent", PASSWORD, SECRET);
        StaffSignIn.Result unknown = staff.signIn.signIn("nobody", PASSWORD, StaffFixture.CLIENT);
        StaffSignIn.Result wrong = staff.signIn.signIn("agent", "not the password", StaffFixture.CLIENT);
        assertThat(unknown).isEqualTo(wrong);
        assertThat(unknown.outcome()).isEqualTo(StaffSignIn.Outcome.FAILED);
        assertThat(unknown.account()).isNull();
        assertThat(staff.actions()).containsExactly("staff.signin.failed", "staff.signin.failed");
        // Neither the typed name of an unknown account nor any password reaches the audit trail.
        assertThat(String.join("\n", staff.auditText())).doesNotContain("nobody").doesNotContain(PASSWORD).doesNotContain("not the password");
    }

    @Test
    void staffAttemptsCountOnScopesOfTheirOwn() {
        StaffAccount agent = staff.enrolled("agent", PASSWORD, SECRET);
        staff.signIn.signIn("agent", "wrong", StaffFixture.CLIENT);
        staff.signIn.signIn("nobody", "wrong", StaffFixture.CLIENT);
        List<String> scopes = staff.db.jdbc.list("select scope_key from signin_failure order by scope_key", r -> r.getString(1));
        assertThat(scopes).containsExactly("s:" + agent.id(), scopes.get(1));
        assertThat(scopes.get(1)).startsWith("su:");
    }

    @Test
    void pastTheFreeAttemptsEvenTheRightPasswordIsRefusedDuringTheLock() {
        staff.enrolled("agent", PASSWORD, SECRET);
        for (int i = 0; i < 4; i++) {
            assertThat(staff.signIn.signIn("agent", "guess " + i, StaffFixture.CLIENT).outcome()).isEqualTo(StaffSignIn.Outcome.FAILED);
        }
        assertThat(staff.signIn.signIn("agent", PASSWORD, StaffFixture.CLIENT).outcome()).isEqualTo(StaffSignIn.Outcome.FAILED);
        assertThat(staff.actions()).last().isEqualTo("staff.signin.refused-locked");
    }

    @Test
    void guessesSentTogetherCannotSlipPastTheLock() throws Exception {
        staff.enrolled("agent", PASSWORD, SECRET);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<StaffSignIn.Outcome>> guesses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String guess = "guess " + i;
                guesses.add(() -> staff.signIn.signIn("agent", guess, StaffFixture.CLIENT).outcome());
            }
            for (Future<StaffSignIn.Outcome> f : pool.invokeAll(guesses)) {
                assertThat(f.get()).isEqualTo(StaffSignIn.Outcome.FAILED);
            }
        } finally {
            pool.shutdownNow();
        }
        // Counted before the hash: the 3 free attempts and the one that sets the lock are checked; the others are refused unchecked.
        assertThat(staff.actions().stream().filter("staff.signin.failed"::equals).count()).isLessThanOrEqualTo(4);
        assertThat(staff.actions().stream().filter("staff.signin.refused-locked"::equals).count()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void aDisabledAccountIsRefusedLikeAWrongPassword() {
        StaffAccount agent = staff.enrolled("agent", PASSWORD, SECRET);
        staff.db.jdbc.update("update staff_account set disabled = true where id = ?", agent.id().value());
        assertThat(staff.signIn.signIn("agent", PASSWORD, StaffFixture.CLIENT)).isEqualTo(staff.signIn.signIn("nobody", PASSWORD, StaffFixture.CLIENT));
        assertThat(staff.actions()).contains("staff.signin.refused-disabled");
    }

    @Test
    void anOutdatedHashIsUpgradedAtSignIn() {
        StaffAccount agent = staff.enrolled("agent", PASSWORD, SECRET);
        String old = new fr.rempart.password.PasswordHasher(new fr.rempart.password.PasswordHasher.Argon2Parameters(8, 1, 1)).hash(PASSWORD);
        staff.db.jdbc.update("update staff_account set password_hash = ? where id = ?", old, agent.id().value());
        assertThat(staff.signIn.signIn("agent", PASSWORD, StaffFixture.CLIENT).outcome()).isEqualTo(StaffSignIn.Outcome.SUCCEEDED);
        assertThat(staff.repository.passwordHash(agent.id())).hasValueSatisfying(h -> assertThat(h).isNotEqualTo(old).contains("m=8192"));
    }
}
