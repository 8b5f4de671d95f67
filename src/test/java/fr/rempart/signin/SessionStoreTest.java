package fr.rempart.signin;

import fr.rempart.member.AccountEvent;
import fr.rempart.member.MemberId;
import fr.rempart.member.WebSession;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.testing.MovableClock;
import fr.rempart.testing.RecordedEvents;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreTest {

    private final MovableClock clock = new MovableClock();

    private RecordedEvents<AccountEvent> events;

    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.1", false, "test");
    private TestDatabase db;

    @AfterEach
    void close() {
        db.close();
    }

    private SessionStore store(String idle, String absolute) throws Exception {
        db = new TestDatabase("rempart.session.idle-timeout", idle, "rempart.session.absolute-timeout", absolute);
        events = new RecordedEvents<>();
        return new SessionStore(db.jdbc, db.settings, events, clock);
    }

    @Test
    void aSessionIsFoundByItsTokenAndOnlyItsHashIsStored() throws Exception {
        SessionStore sessions = store("PT30M", "PT12H");
        MemberId member = db.insertMember();
        String token = sessions.create(member, WebSession.Stage.FULL, Set.of("pwd"), CLIENT);
        assertThat(sessions.find(token)).hasValueSatisfying(s -> {
            assertThat(s.member()).isEqualTo(member);
            assertThat(s.amr()).containsExactly("pwd");
        });
        assertThat(db.jdbc.list("select id_hash from web_session", r -> r.getString(1))).doesNotContain(token).hasSize(1);
        assertThat(sessions.find("x".repeat(43))).isEmpty();
    }

    @Test
    void anIdleSessionExpires() throws Exception {
        SessionStore sessions = store("PT1S", "PT12H");
        String token = sessions.create(db.insertMember(), WebSession.Stage.FULL, Set.of("pwd"), CLIENT);
        clock.advance(java.time.Duration.ofMillis(1_200));
        assertThat(sessions.find(token)).isEmpty();
    }

    @Test
    void aSessionEndsAtItsAbsoluteTimeoutEvenWhenUsed() throws Exception {
        SessionStore sessions = store("PT30M", "PT1S");
        String token = sessions.create(db.insertMember(), WebSession.Stage.FULL, Set.of("pwd"), CLIENT);
        assertThat(sessions.find(token)).isPresent();
        clock.advance(java.time.Duration.ofMillis(1_100));
        assertThat(sessions.find(token)).isEmpty();
    }

    @Test
    void promotionIssuesANewTokenAndEndsTheOldOne() throws Exception {
        SessionStore sessions = store("PT30M", "PT12H");
        String token = sessions.create(db.insertMember(), WebSession.Stage.REQUIRED_ACTIONS, Set.of("pwd"), CLIENT);
        WebSession pending = sessions.find(token).orElseThrow();
        String promoted = sessions.promote(pending, WebSession.Stage.FULL, pending.amr(), CLIENT).orElseThrow();
        assertThat(promoted).isNotEqualTo(token);
        assertThat(sessions.find(token)).isEmpty();
        assertThat(sessions.find(promoted)).hasValueSatisfying(s -> {
            assertThat(s.full()).isTrue();
            assertThat(s.sid()).isEqualTo(pending.sid());
            assertThat(s.expiresAt()).isEqualTo(pending.expiresAt());
        });
    }

    @Test
    void aSessionRevokedMeanwhileCannotBePromoted() throws Exception {
        SessionStore sessions = store("PT30M", "PT12H");
        MemberId member = db.insertMember();
        String token = sessions.create(member, WebSession.Stage.REQUIRED_ACTIONS, Set.of("pwd"), CLIENT);
        WebSession pending = sessions.find(token).orElseThrow();
        sessions.revokeAll(member, "test");
        assertThat(events.fired).singleElement().isEqualTo(new AccountEvent.SessionsRevoked(member, Set.of(pending.sid()), null, true, "test"));
        assertThat(sessions.promote(pending, WebSession.Stage.FULL, pending.amr(), CLIENT)).isEmpty();
    }

    @Test
    void revokingTheOthersKeepsTheCurrentSession() throws Exception {
        SessionStore sessions = store("PT30M", "PT12H");
        MemberId member = db.insertMember();
        String current = sessions.create(member, WebSession.Stage.FULL, Set.of("pwd"), CLIENT);
        String other = sessions.create(member, WebSession.Stage.FULL, Set.of("pwd"), CLIENT);
        String otherSid = sessions.find(other).orElseThrow().sid();
        assertThat(sessions.revokeOthers(member, sessions.find(current).orElseThrow(), "password-changed")).isEqualTo(1);
        assertThat(events.fired).singleElement().isEqualTo(new AccountEvent.SessionsRevoked(member, Set.of(otherSid), sessions.find(current).orElseThrow().sid(), true, "password-changed"));
        assertThat(sessions.find(current)).isPresent();
        assertThat(sessions.find(other)).isEmpty();
    }
}
