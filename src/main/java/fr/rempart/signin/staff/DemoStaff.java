package fr.rempart.signin.staff;

import fr.rempart.member.Email;
import fr.rempart.password.PasswordHasher;
import fr.rempart.platform.Startup;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The demo staff ({@code rempart.demo=true}): an agent, a supervisor and a security administrator,
 * each with a known password and a second factor already enrolled with a fixed, printed secret, so a
 * tester can compute codes ({@code oathtool --totp -b SECRET}). Loaded once (existing accounts are
 * left alone) and printed with how to sign in. Never in production: passwords and secrets are printed.
 */
@ApplicationScoped
public class DemoStaff {

    record Demo(String username, String displayName, Set<StaffGroup> groups, String password, String secret) {
    }

    static final List<Demo> DEMOS = List.of(
            new Demo("agent", "Agent Démo", EnumSet.of(StaffGroup.HELPDESK_AGENT), "guichet-violette-ardoise-31",
                    "KRSXG5CTMVRXEZLUNBUW4ZZAGEZDGNBV"),
            new Demo("supervisor", "Superviseur Démo", EnumSet.of(StaffGroup.HELPDESK_AGENT, StaffGroup.HELPDESK_SUPERVISOR),
                    "balise-cobalt-marelle-58", "ONUXA2LSMVZXI2LPNYQGC3DQNBQWEZLU"),
            new Demo("admin", "Administrateur Démo", EnumSet.of(StaffGroup.SECURITY_ADMIN), "sureau-boussole-lagune-77",
                    "MFSG22LOEBZWK4TWNFRWKIDTMVRXEZLU"));

    @Inject
    Settings settings;
    @Inject
    StaffRepository staff;
    @Inject
    StaffTotp totp;
    @Inject
    PasswordHasher hasher;
    @Inject
    Jdbc jdbc;

    void load(@Observes Startup.Ready ready) {
        if (!settings.demo()) {
            return;
        }
        StringBuilder howTo = new StringBuilder("\n=== Rempart demo staff — sign in at http://localhost:" + System.getProperty("rempart.http.port", "8080")
                + "/staff/signin, then give the code of `oathtool --totp -b SECRET` ===\n");
        for (Demo demo : DEMOS) {
            Username username = Username.parse(demo.username());
            if (staff.byUsername(username).isEmpty()) {
                StaffId id = StaffId.random();
                // A known password without the forced change an administrator's account carries, and a second factor already on.
                StaffRepository.NewAccount account = new StaffRepository.NewAccount(id, username, demo.displayName(),
                        Email.parse(demo.username() + "@staff.example"), demo.groups(), hasher.hash(demo.password()), false);
                jdbc.transaction(c -> staff.insert(account) && staff.confirmTotp(id, totp.seal(id, demo.secret()), "SHA1", 6, 30, -1));
            }
            howTo.append(String.format("  %-11s %-40s password: %-28s TOTP secret: %s   (oathtool --totp -b %s)%n", demo.username(),
                    StaffRepository.groups(demo.groups()), demo.password(), demo.secret(), demo.secret()));
        }
        System.out.println(howTo);
    }
}
