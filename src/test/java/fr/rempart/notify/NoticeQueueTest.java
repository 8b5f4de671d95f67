package fr.rempart.notify;

import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.PersonName;
import fr.rempart.member.PostalAddress;
import fr.rempart.member.Sex;
import fr.rempart.platform.config.MapConfig;
import fr.rempart.platform.config.Settings;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Queueing breach notices by channel and letter policy, each with its own checkable code; the notice language by configuration. */
class NoticeQueueTest {

    private TestDatabase db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private NoticeQueue queue(String... settings) throws Exception {
        db = new TestDatabase(settings);
        return NoticeQueue.standalone(db.jdbc, db.settings, new MemberRepository(db.jdbc, java.time.Clock.systemUTC()));
    }

    private long count(String channel) {
        return db.jdbc.one("select count(*) from notice where channel = ?", r -> r.getLong(1), channel).orElseThrow();
    }

    @Test
    void eachMemberGetsAnEmailWhenAnAddressIsOnFileAndALetterWhenAPostalAddressIs() throws Exception {
        NoticeQueue queue = queue();
        MemberId both = db.insertMember();
        MemberId emailOnly = db.insertMember();
        MemberId postalOnly = db.insertMember();
        MemberId neither = db.insertMember();
        int notified = queue.queueBreach("INC-1", List.of(new NoticeQueue.Recipient(both, true, true), new NoticeQueue.Recipient(emailOnly, true, false),
                new NoticeQueue.Recipient(postalOnly, false, true), new NoticeQueue.Recipient(neither, false, false)), Instant.now());
        assertThat(notified).isEqualTo(3);
        assertThat(count("EMAIL")).isEqualTo(2);
        assertThat(count("LETTER")).isEqualTo(2);
        // Each message has its own code, and each code checks as genuine, with its channel and nothing about the member.
        List<String> codes = db.jdbc.list("select code from notice order by id", r -> r.getString(1));
        assertThat(codes).doesNotHaveDuplicates().allMatch(c -> c.matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}"));
        MessageCodes check = new MessageCodes();
        check.jdbc = db.jdbc;
        for (String code : codes) {
            assertThat(check.check(code).verdict()).isEqualTo(MessageCodes.Verdict.GENUINE);
            assertThat(check.check(code).sent().purpose()).isEqualTo("BREACH_NOTICE");
        }
        // Once per member, incident and channel: the database refuses a second notice.
        assertThatThrownBy(() -> queue.queueBreach("INC-1", List.of(new NoticeQueue.Recipient(both, true, false)), Instant.now()))
                .satisfies(e -> assertThat(fr.rempart.platform.db.Jdbc.isUniqueViolation(e)).isTrue());
    }

    @Test
    void aCodeAlreadyIssuedIsDrawnAgainSoTwoMessagesNeverShareOne() throws Exception {
        queue();
        MessageCodes codes = new MessageCodes();
        codes.jdbc = db.jdbc;
        codes.random = new java.util.Random(42);
        String first = codes.issue("EMAIL", "BREACH_NOTICE", Instant.now());
        codes.random = new java.util.Random(42); // the same draws again: the first one is taken
        List<String> fresh = codes.fresh(3);
        assertThat(fresh).hasSize(3).doesNotHaveDuplicates().doesNotContain(first);
        codes.issued(fresh, List.of("EMAIL", "EMAIL", "LETTER"), "BREACH_NOTICE", "INC-1", Instant.now());
        assertThat(db.jdbc.one("select count(*) from sent_message", r -> r.getLong(1))).contains(4L);
    }

    @Test
    void lettersOnlyForMembersWithoutEmailWhenConfiguredSo() throws Exception {
        NoticeQueue queue = queue("rempart.notify.letters", "without-email");
        queue.queueBreach("INC-1", List.of(new NoticeQueue.Recipient(db.insertMember(), true, true),
                new NoticeQueue.Recipient(db.insertMember(), false, true)), Instant.now());
        assertThat(count("EMAIL")).isEqualTo(1);
        assertThat(count("LETTER")).isEqualTo(1);
    }

    @Test
    void noticesAreInTheMembersLanguageOrTheConfiguredOne() throws Exception {
        Member french = member("fr");
        assertThat(queue().locale(french)).isEqualTo(Locale.forLanguageTag("fr"));
        db.close();
        NoticeQueue english = queue("rempart.notify.language", "en");
        assertThat(english.locale(french).getLanguage()).isEqualTo("en");

        Notices notices = new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings);
        NoticeFacts.Breach facts = new NoticeFacts.Breach("CNAM", LocalDate.of(2026, 11, 12), "identity, social security number", "bank details");
        LetterRenderer.Letter letter = notices.breachLetter(french, english.locale(french), facts, "K7QM-3XWD-R8");
        assertThat(letter.subject()).startsWith("Subject:");
        assertThat(letter.body()).contains("WHAT HAPPENED").contains("Data NOT concerned: bank details").contains("K7QM-3XWD-R8")
                .contains("3676").doesNotContain("http");
        assertThat(letter.addressLines()).containsExactly("3 place du Marché", "69003 Lyon");
        assertThat(notices.breachLetter(french, Locale.FRENCH, facts, "K7QM-3XWD-R8").body()).contains("CE QUI S'EST PASSÉ");

        Settings wrong = MapConfig.settings("rempart.notify.language", "de");
        assertThatThrownBy(wrong::validate).hasMessageContaining("rempart.notify.language");
    }

    private static Member member(String language) {
        return new Member(MemberId.random(), new MemberNumber("T0000001"), "2 84 05 ** *** *** 32", PersonName.parse("Lefèvre-Dupont"),
                PersonName.parse("Hélène"), LocalDate.of(1984, 5, 12), Sex.FEMALE, null, null, new PostalAddress("3 place du Marché", null, "69003", "Lyon", "FR"),
                language, Set.of(), Instant.now(), Instant.now());
    }
}
