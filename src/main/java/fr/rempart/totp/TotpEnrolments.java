package fr.rempart.totp;

import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.db.Dated;
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
                r -> new MemberId(r.getObject(1, UUID.class)), MemberRepository.uuids(members)));
    }

    /** When each of these members confirmed their authenticator, with its day (the campaign view). */
    public java.util.Map<MemberId, Dated> confirmedAt(Collection<MemberId> members) {
        if (members.isEmpty()) {
            return java.util.Map.of();
        }
        return jdbc.list("select member_id, confirmed_at, cast(confirmed_at as date) as confirmed_on from totp_credential where confirmed = true and member_id = any(?)",
                        r -> java.util.Map.entry(new MemberId(r.getObject(1, UUID.class)), new Dated(Jdbc.instant(r, "confirmed_at"),
                                r.getDate(3) == null ? null : r.getDate(3).toLocalDate())),
                        MemberRepository.uuids(members)).stream()
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
    }
}
