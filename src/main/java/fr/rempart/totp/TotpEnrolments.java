package fr.rempart.totp;

import fr.rempart.member.MemberId;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** Which members have a confirmed authenticator, for a whole batch at once (an incident hardens thousands of accounts a statement). */
@ApplicationScoped
public class TotpEnrolments {

    private Jdbc jdbc;

    protected TotpEnrolments() {
    }

    @Inject
    public TotpEnrolments(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Set<MemberId> enrolledAmong(Collection<MemberId> members) {
        if (members.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.list("select member_id from totp_credential where confirmed = true and member_id = any(?)",
                r -> new MemberId(r.getObject(1, UUID.class)), fr.rempart.member.MemberRepository.uuids(members)));
    }
}
