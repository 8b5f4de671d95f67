package fr.rempart.signin.staff;

import fr.rempart.member.Email;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A member of staff as Rempart knows them. Their password hash and second-factor secret stay in
 * {@link StaffRepository}; this record carries only what pages and tokens may show.
 */
public record StaffAccount(StaffId id, Username username, String displayName, Email email, Set<StaffGroup> groups,
                           boolean mustChangePassword, Instant totpConfirmedAt, boolean disabled, Instant createdAt, Instant updatedAt) {

    public StaffAccount {
        groups = Set.copyOf(groups);
    }

    public boolean totpEnrolled() {
        return totpConfirmedAt != null;
    }

    /** The groups as the {@code groups} claim spells them, sorted. */
    public Set<String> groupNames() {
        Set<String> names = new TreeSet<>();
        groups.forEach(g -> names.add(g.value()));
        return names;
    }

    /** How the audit trail names the account as a subject: {@code staff:<username>}, apart from member numbers. */
    public String auditSubject() {
        return "staff:" + username.value();
    }
}
