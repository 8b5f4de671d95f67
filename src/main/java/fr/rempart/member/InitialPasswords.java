package fr.rempart.member;

import fr.rempart.platform.validation.FieldError;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What creating and importing members asks of the password capability, which sits above member and
 * implements it ({@code password.MemberPasswords}): an initial password checked and hashed, imported
 * hashes stored in member's own transaction (Jdbc transactions are thread-bound, so the store joins
 * it), and the legacy ones wrapped once committed.
 */
public interface InitialPasswords {

    /** The policy's objections to an initial password for the member the form describes, on the field {@code password}. */
    List<FieldError> check(MemberForm form, Locale locale);

    String hash(String password);

    /** Stores each hash for a member who has none yet, on {@code c} (the caller's transaction). */
    void storeIfAbsent(Connection c, Map<MemberId, String> hashes) throws SQLException;

    /** Imported hashes were committed: legacy ones are wrapped in Argon2id now rather than at the next sign-in. */
    void imported();

    /** Demo data only: a known password, without the forced change an administrator's carries. */
    void store(MemberId member, String password);
}
