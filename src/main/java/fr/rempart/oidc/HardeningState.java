package fr.rempart.oidc;

import fr.rempart.member.Member;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecondFactor;
import fr.rempart.password.PasswordHistory;
import fr.rempart.signin.HardeningProofs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code account_security} claim: what a relying party needs to decide how far to trust this
 * account after the breach — flagged by which incidents, password changed since, second factor
 * enrolled, actions still required, whether finishing them still needs a proof of the contact on file,
 * and the summary {@code at_risk}.
 */
@ApplicationScoped
public class HardeningState {

    public static final String CLAIM = "account_security";

    @Inject
    MemberRepository members;
    @Inject
    PasswordHistory passwords;
    @Inject
    Instance<SecondFactor> secondFactor;
    @Inject
    HardeningProofs proofs;

    public Map<String, Object> of(Member member) {
        List<MemberRepository.Flag> flags = members.flagsOf(member.id());
        boolean enrolled = secondFactor.stream().anyMatch(f -> f.enrolled(member.id()));
        Optional<Instant> firstFlag = flags.stream().map(MemberRepository.Flag::at).min(Instant::compareTo);
        boolean passwordReset = firstFlag.isPresent() && passwords.lastChosenAt(member.id()).map(t -> t.isAfter(firstFlag.get())).orElse(false);
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("flagged", !flags.isEmpty());
        claim.put("incidents", flags.stream().map(MemberRepository.Flag::incident).toList());
        claim.put("password_reset_done", passwordReset);
        claim.put("second_factor_enrolled", enrolled);
        claim.put("required_actions", member.requiredActions().stream().map(RequiredAction::name).toList());
        // Hardening done with the password alone proves nothing (the attacker may hold it): at risk until done behind a proof of the contact on file.
        boolean proofPending = proofs.required(member.id());
        claim.put("hardening_proof_pending", proofPending);
        claim.put("at_risk", proofPending || !flags.isEmpty() && !(passwordReset && enrolled)
                || member.requiredActions().contains(RequiredAction.UPDATE_PASSWORD));
        return claim;
    }
}
