package fr.rempart.notify;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Locale;

/**
 * A verification code is a bearer fact: one genuine code (a photographed letter) printed on a mass
 * phishing mail would make every check of it answer "genuine". So each genuine code counts its
 * checks and the distinct addresses checking it; past {@code rempart.message-check.copied-addresses}
 * the check answers {@link MessageCodes.Verdict#COPIED} and the security admins are alerted once
 * (an e-mail each through the outbox, and an audit entry). Addresses are kept only as keyed MACs,
 * at most {@link #ADDRESS_CAP} per code; unknown codes are not counted, so guessing stores nothing.
 */
@ApplicationScoped
public class MessageCheckCounts {

    private Clock clock;

    /** Address MACs kept per code (or the threshold, if higher): enough to tell a copied code, bounded whatever the traffic. */
    static final int ADDRESS_CAP = 1_000;

    private Jdbc jdbc;
    private KeyRing keys;
    private Settings settings;
    private AuditTrail audit;
    private SecurityAdmins admins;
    private Notices notices;
    private MessageCodes codes;

    protected MessageCheckCounts() {
    }

    @Inject
    public MessageCheckCounts(Jdbc jdbc, KeyRing keys, Settings settings, AuditTrail audit, SecurityAdmins admins, Notices notices, MessageCodes codes, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.keys = keys;
        this.settings = settings;
        this.audit = audit;
        this.admins = admins;
        this.notices = notices;
        this.codes = codes;
    }

    /** What a person checking the typed code from {@code address} is told: a genuine code past the threshold is {@code COPIED}. */
    public MessageCodes.Check check(String typed, String address) {
        MessageCodes.Check check = codes.check(typed);
        if (check.verdict() != MessageCodes.Verdict.GENUINE) {
            return check;
        }
        return count(check.sent(), MessageCodes.canonical(typed), address) ? new MessageCodes.Check(MessageCodes.Verdict.COPIED, check.sent()) : check;
    }

    /** Copied codes of the incident, for its campaign view. */
    public long countCopied(String incident) {
        return jdbc.one("select count(*) from message_check where incident = ? and copied_at is not null", r -> r.getLong(1), incident).orElse(0L);
    }

    /**
     * Counts one check of the code from the address; true when the code is (now) taken as copied. The
     * code's row is locked for the count, so its distinct addresses are exact across nodes and only the
     * check that crosses the threshold alerts, in the same transaction as {@code copied_at}.
     */
    boolean count(MessageCodes.Sent sent, String code, String address) {
        int threshold = settings.messageCheckCopiedAddresses();
        int cap = Math.max(threshold, ADDRESS_CAP);
        String mac = keys.macHex(KeyRing.Purpose.COOKIE, "message-check:" + sent.codeHash() + ":" + network(address));
        while (true) {
            Instant now = clock.instant();
            Boolean copied = jdbc.transaction(c -> {
                long checks;
                int addresses;
                Instant copiedAt;
                try (var s = Jdbc.prepare(c, "select checks, addresses, copied_at from message_check where code_hash = ? for update", sent.codeHash());
                     ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    checks = r.getLong(1) + 1;
                    addresses = r.getInt(2);
                    copiedAt = Jdbc.instant(r, "copied_at");
                }
                if (addresses < cap) {
                    boolean seen;
                    try (var s = Jdbc.prepare(c, "select 1 from message_check_address where code_hash = ? and address_mac = ?", sent.codeHash(), mac);
                         ResultSet r = s.executeQuery()) {
                        seen = r.next();
                    }
                    if (!seen) {
                        Jdbc.execute(c, "insert into message_check_address (code_hash, address_mac, seen_at) values (?, ?, ?)", sent.codeHash(), mac, now);
                        addresses++;
                    }
                }
                boolean crossed = copiedAt == null && addresses >= threshold;
                Jdbc.execute(c, "update message_check set checks = ?, addresses = ?, last_checked_at = ?, copied_at = ? where code_hash = ?", checks,
                        addresses, now, crossed ? now : copiedAt, sent.codeHash());
                if (crossed) {
                    alert(sent, code, addresses, checks);
                }
                return copiedAt != null || crossed;
            });
            if (copied != null) {
                return copied;
            }
            try {
                jdbc.update("insert into message_check (code_hash, incident, checks, addresses, first_checked_at, last_checked_at) values (?, ?, 0, 0, ?, ?)",
                        sent.codeHash(), sent.incident(), now, now);
            } catch (RuntimeException e) {
                // Another check of the same code created the row first: count against theirs.
                if (!Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    /** Once per code, in the transaction that sets {@code copied_at}: the audit entry and a mail to each active security admin. */
    private void alert(MessageCodes.Sent sent, String code, int addresses, long checks) {
        audit.record(Actor.SYSTEM, "message-code.copied", code, "checked from " + addresses + " addresses",
                "channel=" + sent.channel() + " purpose=" + sent.purpose() + " incident=" + (sent.incident() == null ? "-" : sent.incident())
                        + " sentAt=" + sent.sentAt() + " checks=" + checks);
        admins.securityAdminEmails().forEach(email -> notices.messageCodeCopied(email, code, sent, addresses));
    }

    /**
     * The network an address counts as: an IPv6 address by its /64 (one subscriber's line holds a whole
     * /64, and would otherwise count as any number of addresses), an IPv4 address whole. Only literals
     * are parsed, never names, so no lookup is made.
     */
    static String network(String address) {
        String a = address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
        if (a.startsWith("[") && a.contains("]")) {
            a = a.substring(1, a.indexOf(']'));
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.indexOf(':') >= 0 && a.matches("[0-9a-f:.]+")) {
            try {
                byte[] bytes = java.net.InetAddress.getByName(a).getAddress();
                if (bytes.length == 16) {
                    return java.util.HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
                }
                return java.net.InetAddress.getByAddress(bytes).getHostAddress(); // an IPv4-mapped address is its IPv4 address
            } catch (java.net.UnknownHostException e) {
                return a;
            }
        }
        return a;
    }
}
