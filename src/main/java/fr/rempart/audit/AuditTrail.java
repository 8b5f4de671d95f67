package fr.rempart.audit;

import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The append-only audit trail. Each entry's hash is an HMAC over the previous hash and the entry's
 * fields, so deleting, reordering or editing any entry breaks every link after it, and forging a
 * new chain needs the audit key (sealed by the master key), not just write access to the database.
 * The single {@code audit_head} row, locked for the append, keeps the chain linear across nodes.
 */
@ApplicationScoped
public class AuditTrail {

    private Clock clock;

    public record Entry(long seq, Instant at, String actor, String action, String subject, String reason, String detail,
                        String previousHash, String hash) {
    }

    public record Verification(long checked, boolean intact, Long firstBrokenSeq, String problem) {
    }

    private KeyRing keys;
    private Jdbc jdbc;

    protected AuditTrail() {
    }

    @Inject
    public AuditTrail(KeyRing keys, Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.keys = keys;
        this.jdbc = jdbc;
    }

    /** Records an action; joins the caller's transaction so the entry commits with the change it describes. */
    public long record(Actor actor, String action, String subject, String reason, String detail) {
        return jdbc.transaction(c -> {
            long seq;
            String previous;
            try (var s = c.prepareStatement("select seq, hash from audit_head where id = 1 for update"); var r = s.executeQuery()) {
                r.next();
                seq = r.getLong(1) + 1;
                previous = r.getString(2);
            }
            // Microsecond precision: what both databases store, so the hash recomputes exactly.
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            String hash = hash(seq, at, actor.toString(), action, subject, reason, detail, previous);
            try (var s = Jdbc.prepare(c, "insert into audit_event (seq, at, actor, action, subject, reason, detail, prev_hash, hash) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", seq, at, actor.toString(), action, subject, clip(reason, 500), clip(detail, 2000), previous, hash)) {
                s.executeUpdate();
            }
            try (var s = Jdbc.prepare(c, "update audit_head set seq = ?, hash = ? where id = 1", seq, hash)) {
                s.executeUpdate();
            }
            return seq;
        });
    }

    /** Walks the whole chain in order, streaming, and reports the first broken link. */
    public Verification verify() {
        return jdbc.transaction(c -> {
            // The head first: entries appended while we walk are beyond it and checked next time.
            long headSeq;
            String headHash;
            try (var s = c.prepareStatement("select seq, hash from audit_head where id = 1"); var r = s.executeQuery()) {
                r.next();
                headSeq = r.getLong(1);
                headHash = r.getString(2);
            }
            String previous = "0".repeat(64);
            long expectedSeq = 1;
            long checked = 0;
            try (var s = Jdbc.prepare(c, "select * from audit_event where seq <= ? order by seq", headSeq)) {
                s.setFetchSize(1000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Entry e = entry(r);
                        if (e.seq() != expectedSeq) {
                            return new Verification(checked, false, expectedSeq, "missing entry");
                        }
                        if (!e.previousHash().equals(previous)) {
                            return new Verification(checked, false, e.seq(), "previous hash does not match");
                        }
                        String recomputed = hash(e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.reason(), e.detail(), previous);
                        if (!java.security.MessageDigest.isEqual(recomputed.getBytes(StandardCharsets.US_ASCII), e.hash().getBytes(StandardCharsets.US_ASCII))) {
                            return new Verification(checked, false, e.seq(), "entry altered");
                        }
                        previous = e.hash();
                        expectedSeq++;
                        checked++;
                    }
                }
            }
            if (headSeq != expectedSeq - 1 || !headHash.equals(previous)) {
                return new Verification(checked, false, expectedSeq, "entries removed from the end");
            }
            return new Verification(checked, true, null, null);
        });
    }

    public Optional<Entry> last() {
        return jdbc.one("select * from audit_event where seq = (select seq from audit_head where id = 1)", AuditTrail::entry);
    }

    /**
     * Takes the chain's lock (the {@code audit_head} row, as appending does) until the caller's
     * transaction ends: a count read after it stays true until the caller appends, whatever other
     * nodes do (the helpdesk's hourly limits).
     */
    public void lock() {
        jdbc.one("select seq from audit_head where id = 1 for update", r -> r.getLong(1));
    }

    /** Entries about {@code subject} with this action since then. */
    public int countAbout(String subject, String action, Instant since) {
        return jdbc.one("select count(*) from audit_event where subject = ? and action = ? and at > ?", r -> r.getInt(1), subject, action, since)
                .orElse(0);
    }

    /** Entries by {@code actor} with one of these actions since then. */
    public int countBy(String actor, java.util.Collection<String> actions, Instant since) {
        return jdbc.one("select count(*) from audit_event where actor = ? and at > ? and action = any(?)", r -> r.getInt(1), actor, since,
                Jdbc.array("varchar", actions)).orElse(0);
    }

    /** Distinct subjects of {@code actor}'s entries with this action since then. */
    public int countSubjectsBy(String actor, String action, Instant since) {
        return jdbc.one("select count(distinct subject) from audit_event where actor = ? and at > ? and action = ?", r -> r.getInt(1), actor, since,
                action).orElse(0);
    }

    public java.util.List<Entry> about(String subject, int limit) {
        return jdbc.list("select * from audit_event where subject = ? order by seq desc fetch first " + Math.max(1, Math.min(limit, 1000)) + " rows only",
                AuditTrail::entry, subject);
    }

    private String hash(long seq, Instant at, String actor, String action, String subject, String reason, String detail, String previous) {
        StringBuilder canonical = new StringBuilder();
        for (Object field : new Object[]{seq, at.toEpochMilli() * 1000 + (at.getNano() / 1000) % 1000, actor, action, subject,
                clip(reason, 500), clip(detail, 2000), previous}) {
            // Length-prefixed fields, null marked apart from "": no two different entries serialise the same.
            if (field == null) {
                canonical.append("-|");
            } else {
                String s = field.toString();
                canonical.append(s.length()).append(':').append(s).append('|');
            }
        }
        return HexFormat.of().formatHex(keys.mac(KeyRing.Purpose.AUDIT, canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static Entry entry(ResultSet r) throws java.sql.SQLException {
        return new Entry(r.getLong("seq"), Jdbc.instant(r, "at"), r.getString("actor"), r.getString("action"), r.getString("subject"),
                r.getString("reason"), r.getString("detail"), r.getString("prev_hash"), r.getString("hash"));
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
