package fr.rempart.helpdesk;

import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.report.Report;
import fr.rempart.report.Reports;
import fr.rempart.signin.AccountLocks;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.totp.TotpService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the helpdesk sees of an account, read from each capability: the breaches that flagged it,
 * whether sign-in (or the proof of the contact on file) is locked and why, the required actions, the second factor, the open sessions,
 * the alerts the member filed, the requests waiting for a supervisor, the timeline, and whether finishing
 * the hardening still waits for the member's proof of a contact on file.
 */
@ApplicationScoped
public class AccountState {

    public record Flag(String incident, Instant flaggedAt) {
    }

    /**
     * {@code hardeningProofPending}: the forced password change and enrolment wait for a proof of the contact on
     * file, which the helpdesk never sees nor gives (it can resend the letter, whose activation code is that proof).
     */
    public record State(Member member, List<Flag> flags, List<AccountLocks.Lock> locks, SecondFactor.Summary secondFactor, int sessions,
                        List<Report> reports, List<HelpdeskActions.Approval> approvals, List<SecurityTimeline.Event> timeline,
                        boolean hardeningProofPending) {
        public boolean locked() {
            return !locks.isEmpty();
        }
    }

    @Inject
    MemberRepository flags;
    @Inject
    AccountLocks locks;
    @Inject
    MemberDirectory members;
    @Inject
    TotpService totp;
    @Inject
    SessionStore sessions;
    @Inject
    Reports reports;
    @Inject
    HelpdeskActions actions;
    @Inject
    SecurityTimeline timeline;
    @Inject
    HardeningProofs proofs;

    public State of(Member member) {
        List<Flag> flags = this.flags.flagsOf(member.id()).stream().map(f -> new Flag(f.incident(), f.at())).toList();
        return new State(member, flags, locks.of(member.id()), totp.summary(member.id()), sessions.countActive(member.id()), reports.filedBy(member.id()),
                actions.of(member), timeline.recent(member.id(), 50), proofs.required(member.id()));
    }

    public Optional<State> of(String memberNumber) {
        return member(memberNumber).map(this::of);
    }

    public Optional<Member> member(String memberNumber) {
        if (memberNumber == null || !MemberNumber.valid(memberNumber)) {
            return Optional.empty();
        }
        return members.byNumber(MemberNumber.parse(memberNumber));
    }
}
