package fr.rempart.notify;

import fr.rempart.audit.AuditTrail;
import fr.rempart.signin.staff.StaffRepository;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A genuine code checked from many addresses: answered as copied, the security admins alerted once; addresses kept only as MACs. */
class MessageCheckCountsTest {

    private TestDatabase db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private MessageCheckCounts counts(String... settings) throws Exception {
        db = new TestDatabase(settings);
        MessageCodes codes = new MessageCodes();
        codes.jdbc = db.jdbc;
        return new MessageCheckCounts(db.jdbc, db.keys, db.settings, new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC()), new StaffRepository(db.jdbc, java.time.Clock.systemUTC()),
                new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings), codes, java.time.Clock.systemUTC());
    }

    private void staff(String username, String groups, boolean disabled) {
        db.jdbc.update("insert into staff_account (id, username, display_name, email, staff_groups, password_hash, must_change_password, "
                + "totp_last_step, disabled, created_at, updated_at) values (?, ?, 'Nadia Roux', ?, ?, 'x', false, 0, ?, ?, ?)", UUID.randomUUID(),
                username, username + "@mutuelle.example", groups, disabled, Instant.now(), Instant.now());
    }

    private long count(String sql, Object... parameters) {
        return db.jdbc.one(sql, r -> r.getLong(1), parameters).orElseThrow();
    }

    @Test
    void aGenuineCodePrintedOnAPhishingMailIsAnsweredAsCopiedOnceManyAddressesCheckItAndTheAdminsAreAlertedOnce() throws Exception {
        MessageCheckCounts counts = counts("rempart.message-check.copied-addresses", "5");
        staff("secu", "security-admin", false);
        staff("secu.partie", "security-admin", true);
        staff("agent", "helpdesk-agent", false);
        MessageCodes codes = new MessageCodes();
        codes.jdbc = db.jdbc;
        String code = codes.fresh(1).get(0);
        codes.issued(List.of(code), List.of("LETTER"), "BREACH_NOTICE", "INC-20261123-7K2Q", Instant.now());

        // The member herself checks it several times from home: still genuine.
        for (int i = 0; i < 8; i++) {
            assertThat(counts.check(code.toLowerCase(), "203.0.113.7").verdict()).isEqualTo(MessageCodes.Verdict.GENUINE);
        }
        // Phishing recipients check it, each from their own address: the fifth distinct one tips it.
        for (int i = 1; i <= 3; i++) {
            assertThat(counts.check(code, "198.51.100." + i).verdict()).isEqualTo(MessageCodes.Verdict.GENUINE);
        }
        MessageCodes.Check tipped = counts.check(code, "198.51.100.4");
        assertThat(tipped.verdict()).isEqualTo(MessageCodes.Verdict.COPIED);
        assertThat(tipped.sent().channel()).isEqualTo("LETTER");
        for (int i = 5; i <= 40; i++) {
            assertThat(counts.check(code, "198.51.100." + i).verdict()).isEqualTo(MessageCodes.Verdict.COPIED);
        }
        // The real member is told the same now: nothing tells her from a phished recipient.
        assertThat(counts.check(code, "203.0.113.7").verdict()).isEqualTo(MessageCodes.Verdict.COPIED);

        assertThat(count("select checks from message_check")).isEqualTo(8 + 3 + 1 + 36 + 1);
        assertThat(count("select addresses from message_check")).isEqualTo(41);
        assertThat(db.jdbc.list("select address_mac from message_check_address", r -> r.getString(1))).hasSize(41).allMatch(m -> m.matches("[0-9a-f]{64}"));
        // One audit entry and one mail to the one active security admin, however many checks followed.
        assertThat(count("select count(*) from audit_event where action = 'message-code.copied' and subject = ?", code)).isEqualTo(1);
        assertThat(count("select count(*) from outbox_message")).isEqualTo(1);
        assertThat(db.jdbc.one("select recipient, body from outbox_message", r -> r.getString(1) + "\n" + r.getString(2)).orElseThrow())
                .startsWith("secu@mutuelle.example").contains(code).contains("5 connexions").contains("INC-20261123-7K2Q");
        assertThat(counts.countCopied("INC-20261123-7K2Q")).isEqualTo(1);
        assertThat(counts.countCopied("INC-OTHER")).isZero();
    }

    @Test
    void unknownAndMistypedCodesStoreNothing() throws Exception {
        MessageCheckCounts counts = counts();
        for (int i = 0; i < 30; i++) {
            assertThat(counts.check("AAAA-AAAA-A" + (char) ('A' + i % 20), "198.51.100." + i).verdict()).isIn(MessageCodes.Verdict.UNKNOWN,
                    MessageCodes.Verdict.MISTYPED);
        }
        assertThat(count("select count(*) from message_check")).isZero();
        assertThat(count("select count(*) from message_check_address")).isZero();
    }

    @Test
    void anIpv6SubscriberCountsAsOneAddressWhateverItsInterfaceIds() {
        assertThat(MessageCheckCounts.network("2001:db8:1:2::1")).isEqualTo(MessageCheckCounts.network("2001:DB8:1:2:abcd:ef01:2345:6789"))
                .isEqualTo("20010db800010002::/64");
        assertThat(MessageCheckCounts.network("2001:db8:1:3::1")).isNotEqualTo(MessageCheckCounts.network("2001:db8:1:2::1"));
        assertThat(MessageCheckCounts.network("[2001:db8:1:2::1]")).isEqualTo("20010db800010002::/64");
        assertThat(MessageCheckCounts.network("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(MessageCheckCounts.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(MessageCheckCounts.network("evil.example")).isEqualTo("evil.example"); // never resolved
    }
}
