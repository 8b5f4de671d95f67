package fr.rempart.password;

import fr.rempart.member.MemberId;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The stored password hash of each member: an Argon2id PHC string, or an imported legacy hash (wrapped
 * in Argon2id by {@link LegacyHashes}) until the next sign-in replaces it. Each hash that is not
 * Rempart's own carries its cost class, so the sign-in floor knows what the dearest one costs.
 */
@ApplicationScoped
public class PasswordCredentials {

    private Clock clock;

    /** The attempt scope of guesses at the member's password: the sign-in's password step and the password check count in it. */
    public static String attemptScope(MemberId member) {
        return "m:" + member.value();
    }

    private Jdbc jdbc;
    private PasswordHasher hasher;

    protected PasswordCredentials() {
    }

    @Inject
    public PasswordCredentials(Jdbc jdbc, PasswordHasher hasher, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.hasher = hasher;
    }

    public Optional<String> hashOf(MemberId member) {
        return jdbc.one("select hash from password_credential where member_id = ?", r -> r.getString(1), member.value());
    }

    public void store(MemberId member, String hash) {
        jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update password_credential set hash = ?, updated_at = ?, legacy_class = null, legacy_pending = false "
                    + "where member_id = ?", hash, clock.instant(), member.value()) == 0) {
                Jdbc.execute(c, "insert into password_credential (member_id, hash, updated_at) values (?, ?, ?)",
                        member.value(), hash, clock.instant());
            }
            return null;
        });
    }

    /**
     * Stores imported or initial hashes, in the caller's transaction, for the members that have no
     * password yet: an import or an admin update never overwrites a password the member has chosen.
     */
    public void storeIfAbsent(java.sql.Connection c, java.util.Map<MemberId, String> hashes) throws java.sql.SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        try (var insert = c.prepareStatement("insert into password_credential (member_id, hash, updated_at, legacy_class, legacy_pending) "
                + "select ?, ?, ?, ?, ? where not exists (select 1 from password_credential where member_id = ?)")) {
            for (var entry : hashes.entrySet()) {
                String hash = entry.getValue();
                Jdbc.bind(insert, entry.getKey().value(), hash, now, hasher.costClass(hash).orElse(null), PasswordHasher.unwrapped(hash),
                        entry.getKey().value());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Replaces the hash only if it is still the one that was verified: a concurrent change wins. */
    public boolean upgrade(MemberId member, String verifiedHash, String newHash) {
        return jdbc.update("update password_credential set hash = ?, updated_at = ?, legacy_class = ?, legacy_pending = ? "
                        + "where member_id = ? and hash = ?", newHash, clock.instant(), hasher.costClass(newHash).orElse(null),
                PasswordHasher.unwrapped(newHash), member.value(), verifiedHash) == 1;
    }

    /** A stored hash the wrapping job works on. */
    record Stored(MemberId member, String hash) {
    }

    /** The next hashes still as the old portal made them, after {@code after} (null: from the start), in member order. */
    List<Stored> unwrapped(MemberId after, int limit) {
        return jdbc.list("select member_id, hash from password_credential where legacy_pending = true"
                        + (after == null ? "" : " and member_id > ?") + " order by member_id fetch first " + limit + " rows only",
                r -> new Stored(new MemberId(r.getObject(1, UUID.class)), r.getString(2)),
                after == null ? new Object[0] : new Object[]{after.value()});
    }

    /** A hash's wrapped form (or the hash itself, when it cannot be wrapped) and its cost class. */
    record Wrapped(String hash, String costClass) {
    }

    /**
     * Replaces each hash by its wrapped form, in one transaction, only where it is still the one that
     * was read (a password changed meanwhile wins). Returns how many were replaced.
     */
    int replaceUnwrapped(Map<Stored, Wrapped> wrapped) {
        return jdbc.transaction(c -> {
            int replaced = 0;
            try (var update = c.prepareStatement("update password_credential set hash = ?, legacy_class = ?, legacy_pending = false "
                    + "where member_id = ? and hash = ?")) {
                for (var entry : wrapped.entrySet()) {
                    Jdbc.bind(update, entry.getValue().hash(), entry.getValue().costClass(), entry.getKey().member().value(),
                            entry.getKey().hash());
                    replaced += update.executeUpdate();
                }
            }
            return replaced;
        });
    }

    /** The distinct cost classes of the stored hashes that are not Rempart's own. */
    List<String> costClasses() {
        return jdbc.list("select distinct legacy_class from password_credential where legacy_class is not null", r -> r.getString(1));
    }
}
