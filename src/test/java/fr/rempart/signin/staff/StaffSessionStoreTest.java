package fr.rempart.signin.staff;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Staff sessions against the real schema: hashes only, a new token at each stage with the same sid, timeouts, revocation by sid. */
class StaffSessionStoreTest {

    private static final String SECRET = "KRSXG5CTMVRXEZLUNBUW4ZZAGEZDGNBV";
    private StaffFixture staff;

    @AfterEach
    void close() {
        staff.close();
    }

    private StaffAccount agent(String idle, String absolute) throws Exception {
        staff = new StaffFixture("rempart.staff.session.idle-timeout", idle, "rempart.staff.session.absolute-timeout", absolute);
        return staff.enrolled("agent", "guichet-violette-ardoise-31", SECRET);
    }

    @Test
    void promotionIssuesANewTokenKeepsTheSidAndEndsTheOldToken() throws Exception {
        StaffAccount agent = agent("PT15M", "PT10H");
        String first = staff.sessions.create(agent.id(), StaffSession.Stage.PASSWORD_DONE, Set.of("pwd"), StaffFixture.CLIENT);
        StaffSession before = staff.sessions.find(first).orElseThrow();
        assertThat(staff.db.jdbc.list("select id_hash from staff_session", r -> r.getString(1))).doesNotContain(first).hasSize(1);
        assertThat(before.sid()).hasSize(22);

        Instant factor = Instant.now().plusSeconds(1);
        String second = staff.sessions.promote(before, StaffSession.Stage.FULL, Set.of("pwd", "otp"), factor, StaffFixture.CLIENT).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(staff.sessions.find(first)).isEmpty();
        StaffSession after = staff.sessions.find(second).orElseThrow();
        assertThat(after.sid()).isEqualTo(before.sid());
        assertThat(after.stage()).isEqualTo(StaffSession.Stage.FULL);
        assertThat(after.amr()).containsExactlyInAnyOrder("pwd", "otp");
        assertThat(after.authTime()).isAfter(before.authTime());
        assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        // The old session, ended, cannot be promoted a second time.
        assertThat(staff.sessions.promote(before, StaffSession.Stage.FULL, Set.of("pwd", "otp"), factor, StaffFixture.CLIENT)).isEmpty();
    }

    @Test
    void revokingBySidEndsTheSessionWhateverItsToken() throws Exception {
        StaffAccount agent = agent("PT15M", "PT10H");
        String token = staff.sessions.create(agent.id(), StaffSession.Stage.FULL, Set.of("pwd", "otp"), StaffFixture.CLIENT);
        String sid = staff.sessions.find(token).orElseThrow().sid();
        staff.staffSessions.revoke(sid);
        assertThat(staff.sessions.find(token)).isEmpty();
        assertThat(staff.actions()).containsExactly("staff.signout");
        staff.staffSessions.revoke(sid);
        staff.staffSessions.revoke(null);
        assertThat(staff.actions()).as("nothing more to end, nothing more recorded").hasSize(1);
    }

    @Test
    void anIdleSessionExpires() throws Exception {
        StaffAccount agent = agent("PT1S", "PT10H");
        String token = staff.sessions.create(agent.id(), StaffSession.Stage.FULL, Set.of("pwd", "otp"), StaffFixture.CLIENT);
        staff.clock.advance(java.time.Duration.ofMillis(1_200));
        assertThat(staff.sessions.find(token)).isEmpty();
    }

    @Test
    void aSessionEndsAtItsAbsoluteTimeoutEvenWhenUsed() throws Exception {
        StaffAccount agent = agent("PT1S", "PT1S");
        String token = staff.sessions.create(agent.id(), StaffSession.Stage.FULL, Set.of("pwd", "otp"), StaffFixture.CLIENT);
        assertThat(staff.sessions.find(token)).isPresent();
        staff.clock.advance(java.time.Duration.ofMillis(1_100));
        assertThat(staff.sessions.find(token)).isEmpty();
        assertThat(staff.sessions.purge()).isZero();
    }

    @Test
    void theSubjectNamesTheAccountWithoutSessionDetails() throws Exception {
        StaffAccount agent = agent("PT15M", "PT10H");
        Optional<StaffPrincipal> principal = staff.staffSessions.byId(agent.id().toString());
        assertThat(principal).hasValueSatisfying(p -> {
            assertThat(p.subject()).isEqualTo(agent.id().toString());
            assertThat(p.username()).isEqualTo("agent");
            assertThat(p.email()).isEqualTo("agent@mutuelle.example");
            assertThat(p.groups()).containsExactly("helpdesk-agent");
            assertThat(p.amr()).isNull();
            assertThat(p.authTime()).isNull();
            assertThat(p.sid()).isNull();
        });
        assertThat(staff.staffSessions.byId("not-a-uuid")).isEmpty();
        assertThat(staff.staffSessions.byId(StaffId.random().toString())).isEmpty();
        staff.db.jdbc.update("update staff_account set disabled = true where id = ?", agent.id().value());
        assertThat(staff.staffSessions.byId(agent.id().toString())).isEmpty();
        assertThat(staff.staffSessions.signInPath()).isEqualTo("/staff/signin");
    }
}
