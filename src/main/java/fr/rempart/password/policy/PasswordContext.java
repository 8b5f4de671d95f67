package fr.rempart.password.policy;

import fr.rempart.member.Member;
import fr.rempart.member.Nir;

import java.time.LocalDate;
import java.util.List;

/**
 * What a new password is checked against besides the general rules: the member's leaked and
 * personal data, whether a second factor protects the account, and the history of their passwords.
 * {@link #anonymous()} is the context of a client asking without a member.
 */
public record PasswordContext(String lastName, String firstName, LocalDate birthDate, Nir nir, String memberNumber,
                              String emailLocalPart, boolean secondFactor, List<String> historyMacs) {

    public static PasswordContext anonymous() {
        return new PasswordContext(null, null, null, null, null, null, false, List.of());
    }

    public static PasswordContext of(Member member, Nir nir, boolean secondFactor, List<String> historyMacs) {
        return new PasswordContext(member.lastName().value(), member.firstName().value(), member.birthDate(), nir,
                member.number().value(), member.email() == null ? null : member.email().localPart(), secondFactor, historyMacs);
    }
}
