package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.notify.Notices;
import fr.rempart.notify.Outbox;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.platform.web.Messages;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.testing.RecordedEvents;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportsTest {

    private TestDatabase db;
    private AuditTrail audit;
    private RecordedEvents<AccountEvent> events;
    private final List<String> required = new ArrayList<>();
    private Reports reports;

    @BeforeEach
    void open() throws Exception {
        db = new TestDatabase();
        audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
        events = new RecordedEvents<>();
        MemberService members = new MemberService() {
            @Override
            public void requireAction(MemberId id, RequiredAction action, Actor actor, String reason) {
                required.add(id + " " + action + " " + reason);
            }
        };
        reports = new Reports(db.jdbc, new FormValidator(), audit, new SessionStore(db.jdbc, db.settings, events, java.time.Clock.systemUTC()),
                HardeningProofs.standalone(db.jdbc, db.settings), members,
                new MemberRepository(db.jdbc, java.time.Clock.systemUTC()), new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings),
                new ReportEvidence(db.jdbc, audit, db.settings, java.time.Clock.systemUTC()), db.settings, db.keys, java.time.Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static ReportForm form(Map<String, Object> changes) {
        Map<String, Object> values = ReportFormValidationTest.valid();
        values.putAll(changes);
        return ReportFormValidationTest.build(values);
    }

    private int count(String table) {
        return db.jdbc.one("select count(*) from " + table, r -> r.getInt(1)).orElseThrow();
    }

    @Test
    void aReportIsStoredWithItsClusterKeysAndAuditedWithoutTheMessageWords() {
        Reports.Filed filed = reports.submit(form(Map.of()), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        assertThat(filed.created()).isTrue();
        List<Report> queue = reports.queue(Optional.of(Report.Status.NEW), 10);
        assertThat(queue).singleElement().satisfies(r -> {
            assertThat(r.reference()).isEqualTo(filed.reference());
            assertThat(r.kinds()).containsExactlyInAnyOrder(Report.Kind.SUSPICIOUS_MESSAGE, Report.Kind.GAVE_INFORMATION, Report.Kind.MONEY_TAKEN);
            assertThat(r.channel()).isEqualTo(Report.Channel.SMS);
            assertThat(r.numberKey()).isEqualTo("0612345678");
            assertThat(r.linkKey()).isEqualTo("ameli-remboursement.example/carte");
        });
        assertThat(reports.queue(Optional.of(Report.Status.CLOSED), 10)).isEmpty();
        assertThat(db.jdbc.one("select amount_cents, contact_email, facts, purge_after > created_at from report", r -> List.of(
                r.getLong(1), r.getString(2), r.getString(3), r.getBoolean(4))).orElseThrow())
                .satisfies(row -> {
                    assertThat(row.get(0)).isEqualTo(35050L);
                    assertThat(row.get(1)).isEqualTo("marie.lefevre@exemple.fr");
                    assertThat((String) row.get(2)).contains("Votre carte Vitale expire").contains("\"lastName\":\"Lefèvre\"");
                    assertThat(row.get(3)).isEqualTo(true);
                });
        AuditTrail.Entry entry = audit.last().orElseThrow();
        assertThat(entry.action()).isEqualTo("report.submitted");
        assertThat(entry.subject()).isEqualTo(filed.reference().value());
        assertThat(entry.detail()).doesNotContain("Vitale").doesNotContain("Lefèvre").contains("channel=SMS");
    }

    @Test
    void anUnprovenAddressGetsOnlyACodeAndTheAcknowledgmentOnceItIsTypedBackWithNothingTypedInTheForm() {
        Map<String, Object> phishing = Map.of("firstName", "Votre compte est suspendu", "lastName", "Appelez vite le conseiller");
        Reports.Filed filed = reports.submit(form(phishing), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        assertThat(filed.routes()).isNotEmpty();
        assertThat(reports.acknowledgement(filed.reference())).isEqualTo(Reports.Acknowledgement.CONFIRMATION_SENT);
        List<String[]> mails = db.jdbc.list("select recipient, subject, body from outbox_message order by id",
                r -> new String[]{r.getString(1), r.getString(2), r.getString(3)});
        assertThat(mails).singleElement().satisfies(m -> assertThat(m[2]).doesNotContain(filed.reference().value())
                .doesNotContain("suspendu").doesNotContain("conseiller").doesNotContain("http").containsPattern("\\d{6}"));
        String code = mails.get(0)[2].replaceAll("(?s).*?(\\d{6}).*", "$1");

        String wrong = code.equals("000000") ? "111111" : "000000";
        assertThat(reports.confirmContact(filed.reference(), wrong, Locale.FRENCH)).isFalse();
        assertThat(count("outbox_message")).isEqualTo(1);
        assertThat(reports.confirmContact(filed.reference(), code, Locale.FRENCH)).isTrue();
        assertThat(reports.confirmContact(filed.reference(), code, Locale.FRENCH)).as("spent").isFalse();
        var ack = db.jdbc.list("select body from outbox_message order by id", r -> r.getString(1)).get(1);
        assertThat(ack).contains(filed.reference().value()).contains("Madame, Monsieur").contains("À apporter :").contains("3676")
                .doesNotContain("http").doesNotContain("suspendu").doesNotContain("conseiller");
        for (OfficialChannels.Route route : filed.routes()) {
            assertThat(ack).contains(Messages.get(Locale.FRENCH, "report.route." + route.name() + ".name"));
        }
    }

    @Test
    void fiveWrongCodesSpendTheCodeAndOneAddressGetsThreeMessagesADayAtMost() {
        Reports.Filed filed = reports.submit(form(Map.of("submissionKey", "first-key-0123456789")), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        String code = db.jdbc.list("select body from outbox_message", r -> r.getString(1)).get(0).replaceAll("(?s).*?(\\d{6}).*", "$1");
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < Reports.CODE_ATTEMPTS; i++) {
            assertThat(reports.confirmContact(filed.reference(), wrong, Locale.FRENCH)).isFalse();
        }
        assertThat(reports.confirmContact(filed.reference(), code, Locale.FRENCH)).as("the right code after five tries").isFalse();
        for (int i = 0; i < 10; i++) {
            reports.submit(form(Map.of("submissionKey", "other-key-" + i + "-0123456789")), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        }
        assertThat(count("report")).isEqualTo(11);
        assertThat(count("outbox_message")).isEqualTo(3);
    }

    @Test
    void reportsArePurgedWithTheirNotesAndFilesOnceTheirRetentionHasPassed() throws Exception {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
        Reports.Filed filed = reports.submit(form(Map.of()), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH,
                List.of(new ReportEvidence.Incoming("capture.png", new java.io.ByteArrayInputStream(png.toByteArray()))),
                new ReportEvidence.Uploader("test", Optional.empty()));
        java.nio.file.Path files = db.settings.reportFilesDir();
        assertThat(count("report_attachment")).isEqualTo(1);
        try (var stored = java.nio.file.Files.list(files)) {
            assertThat(stored.filter(java.nio.file.Files::isRegularFile)).hasSize(1);
        }
        db.jdbc.update("insert into report_note (reference, author, body, created_at) values (?, 'agent', 'rappelé', ?)", filed.reference().value(),
                java.time.Instant.now());
        assertThat(reports.purge(java.time.Instant.now())).isZero(); // kept for rempart.report.retention (180 days by default)
        assertThat(reports.purge(java.time.Instant.now().plus(java.time.Duration.ofDays(181)))).isEqualTo(1);
        assertThat(count("report")).isZero();
        assertThat(count("report_note")).isZero();
        assertThat(count("report_attachment")).isZero();
        try (var stored = java.nio.file.Files.list(files)) {
            assertThat(stored.filter(java.nio.file.Files::isRegularFile)).isEmpty();
        }
        assertThat(db.jdbc.one("select detail from audit_event where action = 'reports.purged'", r -> r.getString(1))).hasValue("count=1 files=1");
    }

    @Test
    void theSameFormPostedTwiceFilesOneReport() {
        ReportForm form = form(Map.of());
        Reports.Filed first = reports.submit(form, Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        Reports.Filed second = reports.submit(form, Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        assertThat(second.reference()).isEqualTo(first.reference());
        assertThat(second.created()).isFalse();
        assertThat(count("report")).isEqualTo(1);

        Map<String, Object> noKey = new java.util.HashMap<>();
        noKey.put("submissionKey", null);
        reports.submit(form(noKey), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        reports.submit(form(noKey), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        assertThat(count("report")).isEqualTo(3);
    }

    @Test
    void anInvalidReportStoresNothing() {
        assertThatThrownBy(() -> reports.submit(form(Map.of("channel", "PIGEON", "amount", "0")), Optional.empty(),
                new Actor("public", "anonymous"), Locale.FRENCH))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactlyInAnyOrder("channel", "amount"));
        assertThat(count("report")).isZero();
    }

    @Test
    void aCodeGivenAwayByAMemberEndsTheirSessionsAndRequiresANewPassword() {
        MemberId member = db.insertMember();
        Map<String, Object> noEmail = new java.util.HashMap<>();
        noEmail.put("contactEmail", null);
        Reports.Filed filed = reports.submit(form(noEmail), Optional.of(member), Actor.member("M1"), Locale.FRENCH);
        assertThat(events.fired).singleElement().isInstanceOf(AccountEvent.SessionsRevoked.class);
        assertThat(required).containsExactly(member + " UPDATE_PASSWORD report " + filed.reference().value() + ": SECOND_FACTOR_CODE given away");
        assertThat(audit.last().orElseThrow().action()).isEqualTo("report.account-protected");
    }

    @Test
    void bankDetailsAloneOrNoMemberLeaveTheAccountAlone() {
        MemberId member = db.insertMember();
        reports.submit(form(Map.of("informationGiven", List.of("BANK_DETAILS"))), Optional.of(member), Actor.member("M1"), Locale.FRENCH);
        reports.submit(form(Map.of("submissionKey", "another-key-0123456789")), Optional.empty(), new Actor("public", "anonymous"), Locale.FRENCH);
        assertThat(events.fired).isEmpty();
        assertThat(required).isEmpty();
        assertThat(count("report")).isEqualTo(2);
    }

    @Test
    void deletingTheMemberDeletesTheirReports() {
        MemberId member = db.insertMember();
        reports.submit(form(Map.of("informationGiven", List.of("NIR"))), Optional.of(member), Actor.member("M1"), Locale.FRENCH);
        db.jdbc.update("delete from member where id = ?", member.value());
        assertThat(count("report")).isZero();
    }
}
