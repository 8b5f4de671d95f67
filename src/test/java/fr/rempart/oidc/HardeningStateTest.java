package fr.rempart.oidc;

import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.password.PasswordHistory;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.testing.TestDatabase;
import jakarta.enterprise.inject.Instance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The account_security claim follows the account: flagged, then reset, then enrolled. */
class HardeningStateTest {

    private TestDatabase db;
    private MemberRepository members;
    private HardeningState state;
    private boolean enrolled;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void open() throws Exception {
        db = new TestDatabase();
        members = new MemberRepository(db.jdbc, java.time.Clock.systemUTC());
        state = new HardeningState();
        state.members = new MemberRepository(db.jdbc, java.time.Clock.systemUTC());
        state.passwords = new PasswordHistory(db.jdbc, db.keys, db.settings, java.time.Clock.systemUTC());
        state.proofs = HardeningProofs.standalone(db.jdbc, db.settings);
        SecondFactor factor = (SecondFactor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{SecondFactor.class},
                (proxy, method, args) -> method.getName().equals("enrolled") ? enrolled : null);
        state.secondFactor = (Instance<SecondFactor>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Instance.class},
                (proxy, method, args) -> method.getName().equals("stream") ? Stream.of(factor) : null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Map<String, Object> claim(MemberId id) {
        return state.of(members.byId(id).orElseThrow());
    }

    @Test
    void aFlaggedMemberIsAtRiskUntilThePasswordIsResetAndASecondFactorEnrolled() {
        MemberId id = db.insertMember();
        assertThat(claim(id)).containsEntry("flagged", false).containsEntry("at_risk", false);

        assertThat(members.flagAll(List.of(id, id), "INC-20261123-ABCD", "JOB-1", Instant.now().minusSeconds(60))).containsExactly(id);
        assertThat(members.flagAll(List.of(id), "INC-20261123-ABCD", "JOB-2", Instant.now())).isEmpty(); // once per incident
        // The flag is in the member's timeline (read from member_flag, not written twice).
        assertThat(new SecurityTimeline(db.jdbc, java.time.Clock.systemUTC()).recent(id, 10)).extracting(e -> e.type() + " " + e.detail())
                .containsExactly("breach.flagged INC-20261123-ABCD");
        members.setRequiredActions(id, EnumSet.of(RequiredAction.UPDATE_PASSWORD, RequiredAction.CONFIGURE_TOTP));
        assertThat(claim(id)).containsEntry("flagged", true).containsEntry("incidents", List.of("INC-20261123-ABCD"))
                .containsEntry("password_reset_done", false).containsEntry("at_risk", true)
                .containsEntry("required_actions", List.of("UPDATE_PASSWORD", "CONFIGURE_TOTP"));

        state.passwords.record(id, "une phrase de passe toute neuve");
        members.setRequiredActions(id, EnumSet.of(RequiredAction.CONFIGURE_TOTP));
        assertThat(claim(id)).containsEntry("password_reset_done", true).containsEntry("at_risk", true);

        enrolled = true;
        members.setRequiredActions(id, EnumSet.noneOf(RequiredAction.class));
        Member member = members.byId(id).orElseThrow();
        assertThat(state.of(member)).containsEntry("second_factor_enrolled", true).containsEntry("at_risk", false);
    }

    @Test
    void hardeningDoneWithThePasswordAloneLeavesTheAccountAtRiskUntilTheProofClearsIt() {
        MemberId id = db.insertMember();
        members.flagAll(List.of(id), "INC-20261123-ABCD", "JOB-1", Instant.now().minusSeconds(60));
        state.proofs.require(id, "incident INC-20261123-ABCD");
        // Whoever held the password changed it and enrolled a factor: the claim does not believe it.
        state.passwords.record(id, "une phrase de passe toute neuve");
        enrolled = true;
        assertThat(claim(id)).containsEntry("password_reset_done", true).containsEntry("second_factor_enrolled", true)
                .containsEntry("hardening_proof_pending", true).containsEntry("at_risk", true);

        db.jdbc.update("delete from hardening_proof_required where member_id = ?", id.value()); // as HardeningProofs.complete does
        assertThat(claim(id)).containsEntry("hardening_proof_pending", false).containsEntry("at_risk", false);
    }
}
