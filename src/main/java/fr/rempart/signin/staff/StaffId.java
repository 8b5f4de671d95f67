package fr.rempart.signin.staff;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The identity of a staff account: the subject the OpenID provider puts in a staff member's tokens. */
public record StaffId(UUID value) {

    public StaffId {
        Objects.requireNonNull(value);
    }

    public static StaffId random() {
        return new StaffId(UUID.randomUUID());
    }

    /** The id a subject string names, or empty for anything that is not a UUID. */
    public static Optional<StaffId> parse(String subject) {
        if (subject == null || subject.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StaffId(UUID.fromString(subject)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
