package fr.rempart.member;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

/** A member account as the other capabilities see it. The NIR is only present masked. */
public record Member(MemberId id, MemberNumber number, String nirMasked, PersonName lastName, PersonName firstName,
                     LocalDate birthDate, Sex sex, Email email, PhoneNumber phone, PostalAddress address, String language,
                     Set<RequiredAction> requiredActions, Instant createdAt, Instant updatedAt) {

    public String displayName() {
        return firstName + " " + lastName;
    }
}
