package fr.rempart.password;

import fr.rempart.member.MemberId;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Optional;

/** The stored password hash of each member (Argon2id PHC string, or a legacy hash until the next sign-in). */
@ApplicationScoped
public class PasswordCredentials {

    private Jdbc jdbc;

    protected PasswordCredentials() {
    }

    @Inject
    public PasswordCredentials(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> hashOf(MemberId member) {
        return jdbc.one("select hash from password_credential where member_id = ?", r -> r.getString(1), member.value());
    }

    public void store(MemberId member, String hash) {
        jdbc.transaction(c -> {
            if (Jdbc.execute(c, "update password_credential set hash = ?, updated_at = ? where member_id = ?",
                    hash, Instant.now(), member.value()) == 0) {
                Jdbc.execute(c, "insert into password_credential (member_id, hash, updated_at) values (?, ?, ?)",
                        member.value(), hash, Instant.now());
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
        Instant now = Instant.now();
        try (var insert = c.prepareStatement("insert into password_credential (member_id, hash, updated_at) select ?, ?, ? "
                + "where not exists (select 1 from password_credential where member_id = ?)")) {
            for (var entry : hashes.entrySet()) {
                Jdbc.bind(insert, entry.getKey().value(), entry.getValue(), now, entry.getKey().value());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Replaces the hash only if it is still the one that was verified: a concurrent change wins. */
    public boolean upgrade(MemberId member, String verifiedHash, String newHash) {
        return jdbc.update("update password_credential set hash = ?, updated_at = ? where member_id = ? and hash = ?",
                newHash, Instant.now(), member.value(), verifiedHash) == 1;
    }
}
