package fr.rempart.signin.staff;

import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creating staff accounts and their first password change, against the real schema and the real policy. */
class StaffAccountsTest {

    private static final String GOOD = "une phrase de passe vraiment longue";
    private StaffFixture staff;

    @BeforeEach
    void wire() throws Exception {
        staff = new StaffFixture();
    }

    @AfterEach
    void close() {
        staff.close();
    }

    @Test
    void anAdministratorGetsAGeneratedPasswordThatMustBeChanged() {
        StaffAccounts.Created created = staff.create("C.Durand", "helpdesk-agent", "helpdesk-supervisor");
        assertThat(created.initialPassword()).matches("[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}");
        assertThat(staff.create("j.martin", "security-admin").initialPassword()).isNotEqualTo(created.initialPassword());
        StaffAccount account = created.account();
        assertThat(account.username().value()).isEqualTo("c.durand");
        assertThat(account.groupNames()).containsExactly("helpdesk-agent", "helpdesk-supervisor");
        assertThat(account.mustChangePassword()).isTrue();
        assertThat(account.totpEnrolled()).isFalse();
        assertThat(staff.signIn.signIn("c.durand", created.initialPassword(), StaffFixture.CLIENT).outcome()).isEqualTo(StaffSignIn.Outcome.SUCCEEDED);
        assertThat(staff.actions()).startsWith("staff.created", "staff.created");
        assertThat(String.join("\n", staff.auditText())).doesNotContain(created.initialPassword()).contains("token:test:admin|staff.created|staff:c.durand");
    }

    @Test
    void aUsernameIsTakenOnlyOnceWhateverItsCase() {
        staff.create("c.durand", "helpdesk-agent");
        assertThatThrownBy(() -> staff.create("C.DURAND", "security-admin"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(staff.db.jdbc.one("select count(*) from staff_account", r -> r.getInt(1))).contains(1);
    }

    @Test
    void invalidFormsAreRefusedFieldByFieldBeforeAnyWrite() {
        assertThatThrownBy(() -> staff.accounts.create(new StaffForm("9lives", "", "not-an-address", List.of("root", "helpdesk-agent")),
                StaffFixture.ADMIN, Locale.ENGLISH)).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("displayName", "email", "groups", "username"));
        assertThatThrownBy(() -> staff.accounts.create(new StaffForm("agent", "Agent", "agent@mutuelle.example", List.of()),
                StaffFixture.ADMIN, Locale.ENGLISH)).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.errors()).extracting(FieldError::field).containsExactly("groups"));
        assertThat(staff.db.jdbc.one("select count(*) from staff_account", r -> r.getInt(1))).contains(0);
        assertThat(staff.actions()).isEmpty();
    }

    @Test
    void theNewPasswordFollowsThePolicyAndAvoidsTheStaffMembersOwnNames() {
        StaffAccounts.Created created = staff.create("c.durand", "helpdesk-agent");
        StaffAccount account = created.account();
        Map<String, List<String>> errors = staff.accounts.check(account, "c.durand-ma-phrase-secrete", "c.durand-ma-phrase-secrete", Locale.FRENCH);
        assertThat(errors.get("newPassword")).contains("Le mot de passe contient votre nom, votre identifiant ou votre adresse électronique.");
        assertThat(staff.accounts.check(account, "durand sous la pluie de mars", "durand sous la pluie de mars", Locale.FRENCH)).containsKey("newPassword");
        assertThat(staff.accounts.check(account, StaffFixture.BREACHED, StaffFixture.BREACHED, Locale.ENGLISH).get("newPassword"))
                .anyMatch(m -> m.contains("breach"));
        assertThat(staff.accounts.check(account, "court", "court", Locale.FRENCH)).containsKey("newPassword");
        assertThat(staff.accounts.minLength(account)).isEqualTo(15);
        assertThat(staff.accounts.check(account, GOOD, GOOD + "!", Locale.FRENCH)).containsOnlyKeys("confirmPassword");
        assertThat(staff.accounts.check(account, GOOD, GOOD, Locale.FRENCH)).isEmpty();
    }

    @Test
    void changingThePasswordClearsTheForcedChangeAndEndsTheOtherSessions() {
        StaffAccount account = staff.create("c.durand", "helpdesk-agent").account();
        String kept = staff.sessions.create(account.id(), StaffSession.Stage.PASSWORD_CHANGE, Set.of("pwd", "otp"), StaffFixture.CLIENT);
        String other = staff.sessions.create(account.id(), StaffSession.Stage.FULL, Set.of("pwd", "otp"), StaffFixture.CLIENT);
        staff.accounts.changePassword(account, GOOD, staff.sessions.find(kept).orElseThrow(), StaffFixture.CLIENT);
        assertThat(staff.repository.byId(account.id()).orElseThrow().mustChangePassword()).isFalse();
        assertThat(staff.sessions.find(kept)).isPresent();
        assertThat(staff.sessions.find(other)).isEmpty();
        assertThat(staff.signIn.signIn("c.durand", GOOD, StaffFixture.CLIENT).outcome()).isEqualTo(StaffSignIn.Outcome.SUCCEEDED);
        assertThat(staff.accounts.check(staff.repository.byId(account.id()).orElseThrow(), GOOD, GOOD, Locale.FRENCH).get("newPassword"))
                .containsExactly("Le nouveau mot de passe doit être différent de l'actuel.");
        assertThat(String.join("\n", staff.auditText())).contains("staff.password.changed").doesNotContain(GOOD);
    }
}
