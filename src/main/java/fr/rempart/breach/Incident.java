package fr.rempart.breach;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

/**
 * A declared breach: what happened, when, where the list of affected people comes from, which
 * categories of data leaked and which did not (the notices say both), and the policy applied to
 * every matched account.
 */
public record Incident(String id, String title, String source, LocalDate occurredFrom, LocalDate occurredTo, LocalDate discoveredOn,
                       Set<DataCategory> leaked, Set<DataCategory> notLeaked, Policy policy, Instant declaredAt, String declaredBy) {

    /** Categories of personal data, as GDPR article 34 notices name them. */
    public enum DataCategory { IDENTITY, NIR, RIGHTS, CONTACT, BANK, HEALTH, PASSWORD }

    /** What is done to each matched account. */
    public record Policy(boolean updatePassword, boolean configureTotp, boolean revokeSessions) {
    }
}
