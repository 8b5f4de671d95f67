package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.notify.Notices;
import fr.rempart.notify.Outbox;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proofs of the caller: a code to the e-mail on file, right once, never stored, bound to one agent; a document seen in person. */
class VerificationsTest {

    private static final Agent AGENT = new Agent(Actor.staff("agent"), Set.of(Agent.AGENT));
    private static final Agent OTHER = new Agent(Actor.staff("other"), Set.of(Agent.AGENT));
    private TestDatabase db;
    private Verifications verifications;
    private Member member;

    @BeforeEach
    void open() throws Exception {
        db = new TestDatabase();
        verifications = new Verifications(db.jdbc, db.keys, new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC()), new SecurityTimeline(db.jdbc, java.time.Clock.systemUTC()),
                new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings), db.settings, java.time.Clock.systemUTC());
        MemberId id = db.insertMember();
        db.jdbc.update("update member set email = 'claire.durand@exemple.fr', email_key = 'claire.durand@exemple.fr' where id = ?", id.value());
        member = new MemberRepository(db.jdbc, java.time.Clock.systemUTC()).byId(id).orElseThrow();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String sentCode() {
        String body = db.jdbc.one("select body from outbox_message order by id desc fetch first 1 rows only", r -> r.getString(1)).orElseThrow();
        Matcher m = Pattern.compile("répond : (\\d{6})").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    @Test
    void theCodeGoesToTheAddressOnFileIsRightOnceAndIsNeverStored() {
        Verifications.Proof proof = verifications.sendCode(member, AGENT, Verifications.Method.EMAIL_CODE);
        assertThat(proof.sentTo()).isEqualTo("c***@exemple.fr");
        String code = sentCode();
        assertThat(db.jdbc.one("select count(*) from helpdesk_verification where code_mac like ?", r -> r.getLong(1), "%" + code + "%")).hasValue(0L);
        assertThat(verifications.valid(member, AGENT, proof.id())).isEmpty();
        assertThat(verifications.confirm(member, OTHER, proof.id(), code)).isEqualTo(Verifications.Check.UNKNOWN);
        assertThat(verifications.confirm(member, AGENT, proof.id(), code.equals("123456") ? "654321" : "123456")).isEqualTo(Verifications.Check.WRONG);
        assertThat(verifications.confirm(member, AGENT, proof.id(), code.substring(0, 3) + " " + code.substring(3))).isEqualTo(Verifications.Check.VERIFIED);
        assertThat(verifications.confirm(member, AGENT, proof.id(), code)).isEqualTo(Verifications.Check.REPLAYED);
        assertThat(verifications.valid(member, AGENT, proof.id())).isPresent();
        assertThat(verifications.valid(member, OTHER, proof.id())).isEmpty();
        assertThat(db.jdbc.list("select action from audit_event order by seq", r -> r.getString(1)))
                .containsExactly("helpdesk.verification-sent", "helpdesk.verification-failed", "helpdesk.verified", "helpdesk.verification-failed");
    }

    @Test
    void fiveWrongCodesSpendTheProofAndAnExpiredOneIsRefused() {
        Verifications.Proof proof = verifications.sendCode(member, AGENT, Verifications.Method.EMAIL_CODE);
        String code = sentCode();
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < Verifications.MAX_ATTEMPTS; i++) {
            assertThat(verifications.confirm(member, AGENT, proof.id(), wrong)).isEqualTo(Verifications.Check.WRONG);
        }
        assertThat(verifications.confirm(member, AGENT, proof.id(), code)).isEqualTo(Verifications.Check.LOCKED);

        Verifications.Proof late = verifications.sendCode(member, AGENT, Verifications.Method.EMAIL_CODE);
        String lateCode = sentCode();
        db.jdbc.update("update helpdesk_verification set expires_at = ? where id = ?", Instant.now().minusSeconds(1), late.id());
        assertThat(verifications.confirm(member, AGENT, late.id(), lateCode)).isEqualTo(Verifications.Check.EXPIRED);
    }

    @Test
    void aDocumentSeenInPersonProvesAtOnceAndNoAddressMeansNoCode() {
        Verifications.Proof proof = verifications.inPerson(member, AGENT, "carte nationale d'identité");
        assertThat(proof.verified()).isTrue();
        assertThat(verifications.valid(member, AGENT, proof.id())).isPresent();
        db.jdbc.update("update member set email = null, email_key = null where id = ?", member.id().value());
        Member noEmail = new MemberRepository(db.jdbc, java.time.Clock.systemUTC()).byId(member.id()).orElseThrow();
        assertThatThrownBy(() -> verifications.sendCode(noEmail, AGENT, Verifications.Method.EMAIL_CODE)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void theCodeMayGoBySmsToTheMobileOnFileAndOnlyIfThereIsOne() {
        assertThatThrownBy(() -> verifications.sendCode(member, AGENT, Verifications.Method.SMS_CODE)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.key()).isEqualTo("helpdesk.verification.no-phone"));
        db.jdbc.update("update member set phone = '+33612345678' where id = ?", member.id().value());
        Member withPhone = new MemberRepository(db.jdbc, java.time.Clock.systemUTC()).byId(member.id()).orElseThrow();
        Verifications.Proof proof = verifications.sendCode(withPhone, AGENT, Verifications.Method.SMS_CODE);
        assertThat(proof.sentTo()).isEqualTo("+336******78");
        String sms = db.jdbc.one("select recipient || ' ' || body from outbox_sms", r -> r.getString(1)).orElseThrow();
        assertThat(sms).startsWith("+33612345678 ").contains("vous-même appelé");
        Matcher m = Pattern.compile("assistance (\\d{6})").matcher(sms);
        assertThat(m.find()).as(sms).isTrue();
        assertThat(verifications.confirm(withPhone, AGENT, proof.id(), m.group(1))).isEqualTo(Verifications.Check.VERIFIED);
    }
}
