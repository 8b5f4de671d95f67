package fr.rempart.password;

import fr.rempart.member.BirthDates;
import fr.rempart.member.Email;
import fr.rempart.member.InitialPasswords;
import fr.rempart.member.MemberForm;
import fr.rempart.member.MemberId;
import fr.rempart.member.Nir;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.platform.validation.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The passwords of members being created or imported ({@link InitialPasswords}, published by member). */
@ApplicationScoped
public class MemberPasswords implements InitialPasswords {

    @Inject
    PasswordPolicy policy;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordCredentials credentials;
    @Inject
    LegacyHashes legacyHashes;

    @Override
    public List<FieldError> check(MemberForm form, Locale locale) {
        var context = new PasswordContext(form.lastName(), form.firstName(), BirthDates.parse(form.birthDate()).orElse(null), Nir.parse(form.nir()),
                form.memberNumber(), form.email() == null || form.email().isBlank() ? null : Email.parse(form.email()).localPart(), false, List.of());
        return policy.check(form.password(), context, locale).violations().stream().map(v -> new FieldError("password", v.code(), v.message())).toList();
    }

    @Override
    public String hash(String password) {
        return hasher.hash(password);
    }

    @Override
    public void storeIfAbsent(Connection c, Map<MemberId, String> hashes) throws SQLException {
        credentials.storeIfAbsent(c, hashes);
    }

    @Override
    public void imported() {
        legacyHashes.wakeUp();
    }

    @Override
    public void store(MemberId member, String password) {
        credentials.store(member, hasher.hash(password));
    }
}
