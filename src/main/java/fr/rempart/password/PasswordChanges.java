package fr.rempart.password;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberSessions;
import fr.rempart.member.Nir;
import fr.rempart.member.NirProtector;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.notify.Notices;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.Locale;
import java.util.Optional;

/**
 * Checking and changing a member's password: the policy against the member's own context (their
 * data, their history), then the change with everything it entails — new Argon2id hash, history,
 * the member's other sessions ended, audit trail and timeline.
 */
@ApplicationScoped
public class PasswordChanges {

    @Inject
    Event<AccountEvent> events;
    @Inject
    Jdbc jdbc;
    @Inject
    PasswordPolicy policy;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordCredentials credentials;
    @Inject
    PasswordHistory history;
    @Inject
    MemberRepository members;
    @Inject
    NirProtector nirs;
    @Inject
    MemberSessions sessions;
    @Inject
    AuditTrail audit;
    @Inject
    SecurityTimeline timeline;
    @Inject
    Notices notices;
    @Inject
    jakarta.enterprise.inject.Instance<SecondFactor> secondFactor;
    @Inject
    HardeningGate proofs;

    public PasswordContext contextOf(Member member) {
        Nir nir = members.sealedNir(member.id()).map(sealed -> nirs.open(member.id(), sealed)).orElse(null);
        boolean enrolled = secondFactor.stream().anyMatch(f -> f.enrolled(member.id()));
        return PasswordContext.of(member, nir, enrolled, history.recent(member.id()));
    }

    public PasswordPolicy.Verdict check(Member member, String password, Locale locale) {
        PasswordPolicy.Verdict verdict = policy.check(password, contextOf(member), locale);
        Optional<String> current = credentials.hashOf(member.id());
        if (verdict.acceptable() && current.isPresent() && hasher.verify(password, current.get()).matches()) {
            return new PasswordPolicy.Verdict(false, java.util.List.of(new PasswordPolicy.Violation("SAME_AS_CURRENT",
                    Messages.get(locale, "password.rule.SAME_AS_CURRENT"))), verdict.estimatedGuessesLog10());
        }
        return verdict;
    }

    /**
     * Sets an already checked password. The session it was changed in (if any) stays; every other
     * session of the member ends.
     */
    public void change(Member member, String password, WebSession keep, ClientInfo client, String why) {
        if (keep != null && proofs.required(member.id()) && !proofs.proven(keep)) {
            // The pages send such a session to the proof first; this holds whatever calls (without a session: the e-mailed link, itself a proof).
            throw new IllegalStateException("A password change on this account needs a proof of the contact on file");
        }
        String hash = hasher.hash(password);
        // One transaction: the new password, its history, the sessions ended, the audit entry and the notice, or none of them.
        jdbc.transaction(c -> {
            apply(member, password, hash, keep, client, why);
            return null;
        });
    }

    private void apply(Member member, String password, String hash, WebSession keep, ClientInfo client, String why) {
        credentials.store(member.id(), hash);
        history.record(member.id(), password);
        if (keep != null) {
            sessions.revokeOthers(member.id(), keep, "password-changed");
        } else {
            sessions.revokeAll(member.id(), "password-changed");
        }
        String number = member.number().value();
        audit.record(Actor.member(number), "password.changed", number, why, "ip=" + client.address());
        timeline.record(member.id(), "password.changed", client.address(), null);
        notices.passwordChanged(member);
        events.fire(new AccountEvent.CredentialChanged(member.id(), "password", "update"));
    }

    public PasswordPolicy policy() {
        return policy;
    }
}
