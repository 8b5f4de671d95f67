package fr.rempart.member;

import java.util.Objects;
import java.util.UUID;

/** The internal, never-shown identity of a member account. */
public record MemberId(UUID value) {

    public MemberId {
        Objects.requireNonNull(value);
    }

    public static MemberId random() {
        return new MemberId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
