package fr.rempart.member;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import fr.rempart.audit.Actor;
import fr.rempart.platform.Startup;
import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Locale;

/**
 * The demo data set ({@code rempart.demo=true}): three members showing the three ways in — a plain
 * account, one that must change its password first, one carrying an imported bcrypt hash. Loaded
 * once (existing members are left alone) and printed with how to sign in.
 */
@ApplicationScoped
public class DemoMembers {

    record Demo(MemberForm form, boolean mustChangePassword, String password, String what) {
    }

    @Inject
    Settings settings;
    @Inject
    MemberService members;
    @Inject
    MemberRepository repository;
    @Inject
    InitialPasswords passwords;

    void load(@Observes Startup.Ready ready) {
        if (!settings.demo()) {
            return;
        }
        StringBuilder howTo = new StringBuilder("\n=== Rempart demo — sign in at http://localhost:" + System.getProperty("rempart.http.port", "8080") + "/signin ===\n");
        for (Demo demo : demos()) {
            MemberNumber number = MemberNumber.parse(demo.form().memberNumber());
            if (repository.byNumber(number).isEmpty()) {
                Member member = members.save(demo.form(), Actor.SYSTEM, Locale.FRENCH).member();
                if (demo.form().passwordHash() == null) {
                    // Demo only: a known password without the forced change an admin-set one carries.
                    passwords.store(member.id(), demo.password());
                }
                if (demo.mustChangePassword()) {
                    members.requireAction(member.id(), RequiredAction.UPDATE_PASSWORD, Actor.SYSTEM, "demo data");
                }
            }
            howTo.append(String.format("  %-22s member number %s or e-mail %s, password: %s%n", demo.what(), number,
                    demo.form().email(), demo.password()));
        }
        System.out.println(howTo);
    }

    private static java.util.List<Demo> demos() {
        String legacy = "ancien-mot-de-passe-bcrypt";
        return java.util.List.of(
                new Demo(form("10000001", "284058832102532", "Martin", "Camille", "1984-05-12", "F", "camille.martin@example.org",
                        null, null), false, "lavande-orage-pivert-42", "Camille Martin:"),
                new Demo(form("10000002", "255081416802538", "Dupont", "Jeanne", "1955-08-03", "F", "jeanne.dupont@example.org",
                        null, null), true, "mot-de-passe-a-changer-1955", "Jeanne Dupont (reset):"),
                new Demo(form("10000003", "295109912611193", "Diallo", "Awa", "1995-10-21", "F", "awa.diallo@example.org",
                        null, BcryptFunction.getInstance(Bcrypt.B, 10).hash(legacy).getResult()), false, legacy, "Awa Diallo (bcrypt):"));
    }

    private static MemberForm form(String number, String nir, String last, String first, String birth, String sex, String email,
                                   String password, String hash) {
        return new MemberForm(number, nir, last, first, birth, sex, email, "06 12 34 56 78",
                new MemberForm.AddressForm("12 rue des Lilas", null, "75011", "Paris", "FR"), "fr", password, hash, null);
    }
}
