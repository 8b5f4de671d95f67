package fr.rempart.signin;

import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.member.WebSession;
import fr.rempart.notify.Notices;
import fr.rempart.notify.Outbox;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.testing.RecordedEvents;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** HardeningProofs against the real schema (H2): requirement, codes bound to their session, letters, limits, housekeeping. */
class HardeningProofsTest {

    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.14", false, "test");
    private static final Pattern MAILED = Pattern.compile("(\\d{4}) (\\d{4})");
    private TestDatabase db;
    private HardeningProofs proofs;
    private SessionStore sessions;
    private MemberRepository members;

    @BeforeEach
    void wire() throws Exception {
        db = new TestDatabase();
        members = new MemberRepository(db.jdbc, java.time.Clock.systemUTC());
        sessions = new SessionStore(db.jdbc, db.settings, new RecordedEvents<>(), java.time.Clock.systemUTC());
        proofs = HardeningProofs.standalone(db.jdbc, db.settings);
        proofs.keys = db.keys;
        proofs.failures = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
        proofs.sessions = sessions;
        proofs.notices = new Notices(new Outbox(db.jdbc, java.time.Clock.systemUTC()), db.settings);
        proofs.audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
        proofs.timeline = new SecurityTimeline(db.jdbc, java.time.Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Member member(boolean email) {
        MemberId id = db.insertMember();
        if (email) {
            db.jdbc.update("update member set email = ?, email_key = ? where id = ?", "proof-" + id.value() + "@example.org",
                    "proof-" + id.value() + "@example.org", id.value());
        } else {
            db.jdbc.update("update member set address_line1 = '3 place du Marché', postcode = '69003', city = 'Lyon', country = 'FR' where id = ?",
                    id.value());
        }
        return members.byId(id).orElseThrow();
    }

    private WebSession session(Member member) {
        return sessions.find(sessions.create(member.id(), WebSession.Stage.REQUIRED_ACTIONS, Set.of("pwd"), CLIENT)).orElseThrow();
    }

    /** The last code e-mailed to the member, as the member reads it. */
    private String mailed(Member member) {
        List<String> bodies = db.jdbc.list("select body from outbox_message where recipient = ? order by id desc", r -> r.getString(1),
                member.email().value());
        Matcher m = MAILED.matcher(bodies.get(0));
        assertThat(m.find()).as(bodies.get(0)).isTrue();
        return m.group(1) + " " + m.group(2);
    }

    @Test
    void aRequirementIsWrittenOnceWhoeverAsksAndReturnsOnlyTheNewlyRequired() {
        Member a = member(true);
        Member b = member(true);
        assertThat(proofs.requireAll(List.of(a.id(), a.id(), b.id()), "incident INC-1")).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(proofs.requireAll(List.of(a.id(), b.id()), "incident INC-2")).isEmpty();
        assertThat(db.jdbc.one("select count(*) from hardening_proof_required", r -> r.getInt(1)).orElseThrow()).isEqualTo(2);
        assertThat(proofs.required(a.id())).isTrue();
    }

    @Test
    void anEmailedCodeProvesOnlyTheSessionThatAskedForItOnceAndEndsTheOthers() {
        Member member = member(true);
        proofs.require(member.id(), "report");
        WebSession asking = session(member);
        WebSession other = session(member);
        assertThat(proofs.sendEmailCode(member, asking, CLIENT)).isEqualTo(HardeningProofs.Sent.SENT);
        String code = mailed(member);
        assertThat(db.jdbc.list("select code_mac from hardening_code", r -> r.getString(1))).noneMatch(mac -> mac.contains(code.replace(" ", "")));

        assertThat(proofs.verify(member, other, code, CLIENT)).isEqualTo(HardeningProofs.Check.WRONG);
        assertThat(proofs.verify(member, asking, "12-34", CLIENT)).isEqualTo(HardeningProofs.Check.MALFORMED);
        assertThat(proofs.verify(member, asking, code.replace(" ", "-"), CLIENT)).isEqualTo(HardeningProofs.Check.PROVEN);
        assertThat(proofs.proven(asking)).isTrue();
        assertThat(proofs.proven(other)).isFalse();
        assertThat(sessions.find(other.idHash())).isEmpty();
        assertThat(db.jdbc.one("select count(*) from web_session where sid = ?", r -> r.getInt(1), other.sid()).orElseThrow()).isZero();
        // Spent: the same code again proves nothing, even in its own session.
        assertThat(proofs.verify(member, asking, code, CLIENT)).isEqualTo(HardeningProofs.Check.WRONG);
        // The member hears of the proof.
        assertThat(db.jdbc.list("select subject from outbox_message", r -> r.getString(1))).anyMatch(s -> s.contains("identité a été confirmée"));

        proofs.complete(member, "EMAIL");
        assertThat(proofs.required(member.id())).isFalse();
        assertThat(proofs.proven(asking)).as("the proof is spent with the requirement").isFalse();
    }

    @Test
    void aMemberWithoutEmailIsSentALetterAndAReprintKeepsTheEarlierCodeGood() {
        Member member = member(false);
        proofs.require(member.id(), "helpdesk: password reset");
        assertThat(db.jdbc.list("select purpose from notice where member_id = ?", r -> r.getString(1), member.id().value()))
                .containsExactly("ACTIVATION_LETTER");
        WebSession session = session(member);
        assertThat(proofs.sendEmailCode(member, session, CLIENT)).isEqualTo(HardeningProofs.Sent.NO_EMAIL);
        String first = proofs.letterCode(member.id());
        String reprint = proofs.letterCode(member.id());
        assertThat(first).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}").isNotEqualTo(reprint);
        assertThat(proofs.verify(member, session, first.toLowerCase(), CLIENT)).isEqualTo(HardeningProofs.Check.PROVEN);
        // One proof spends every letter code of the member.
        assertThat(proofs.verify(member, session(member), reprint, CLIENT)).isEqualTo(HardeningProofs.Check.WRONG);
    }

    @Test
    void guessesLockTheProofAndCodesAreLimitedPerSessionAndPerMember() {
        Member member = member(true);
        proofs.require(member.id(), "incident INC-3");
        WebSession session = session(member);
        List<HardeningProofs.Check> checks = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            checks.add(proofs.verify(member, session, String.format("%08d", i), CLIENT));
        }
        assertThat(checks).contains(HardeningProofs.Check.LOCKED);

        for (int i = 0; i < HardeningProofs.EMAIL_CODES_PER_SESSION_HOUR; i++) {
            assertThat(proofs.sendEmailCode(member, session, CLIENT)).isEqualTo(HardeningProofs.Sent.SENT);
        }
        assertThat(proofs.sendEmailCode(member, session, CLIENT)).isEqualTo(HardeningProofs.Sent.LIMITED);
        int sent = HardeningProofs.EMAIL_CODES_PER_SESSION_HOUR;
        while (sent < HardeningProofs.EMAIL_CODES_PER_MEMBER_HOUR) {
            WebSession another = session(member);
            for (int i = 0; i < HardeningProofs.EMAIL_CODES_PER_SESSION_HOUR && sent < HardeningProofs.EMAIL_CODES_PER_MEMBER_HOUR; i++, sent++) {
                assertThat(proofs.sendEmailCode(member, another, CLIENT)).isEqualTo(HardeningProofs.Sent.SENT);
            }
        }
        assertThat(proofs.sendEmailCode(member, session(member), CLIENT)).as("the member's hour is spent").isEqualTo(HardeningProofs.Sent.LIMITED);
        // Housekeeping keeps the hour's codes, so the limit still counts them once they expired.
        db.jdbc.update("update hardening_code set expires_at = ?", Instant.now().minusSeconds(1));
        proofs.purge();
        assertThat(proofs.sendEmailCode(member, session(member), CLIENT)).isEqualTo(HardeningProofs.Sent.LIMITED);
        db.jdbc.update("update hardening_code set created_at = ?", Instant.now().minusSeconds(3601));
        proofs.purge();
        assertThat(db.jdbc.one("select count(*) from hardening_code", r -> r.getInt(1)).orElseThrow()).isZero();
    }
}
