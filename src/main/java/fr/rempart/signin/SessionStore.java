package fr.rempart.signin;

import fr.rempart.member.AccountEvent;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.MemberSessions;
import fr.rempart.member.WebSession;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Server-side sessions in the database, so they survive a restart, are shared by every node and can
 * all be revoked at once (after a breach, a password change or a helpdesk action). A new token is
 * issued at sign-in and again when the required actions are done: a session id never changes stage.
 */
@ApplicationScoped
public class SessionStore implements MemberSessions {

    /** last_seen_at is written at most once a minute per session, not on every request. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private Jdbc jdbc;
    private Duration idle;
    private Duration absolute;
    private Event<AccountEvent> events;
    private Clock clock;

    protected SessionStore() {
    }

    @Inject
    public SessionStore(Jdbc jdbc, Settings settings, Event<AccountEvent> events, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.idle = settings.sessionIdleTimeout();
        this.absolute = settings.sessionAbsoluteTimeout();
        this.events = events;
    }

    /** Creates a session and returns its token, the only copy of which goes into the cookie. */
    public String create(MemberId member, WebSession.Stage stage, Set<String> amr, ClientInfo client) {
        String token = Secrets.token(32);
        Instant now = clock.instant();
        jdbc.update("insert into web_session (id_hash, sid, member_id, stage, amr, created_at, last_seen_at, expires_at, ip, user_agent) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Secrets.sha256Hex(token), Secrets.token(24), member.value(), stage,
                String.join(" ", amr), now, now, now.plus(absolute), client.address(), client.userAgent());
        return token;
    }

    public Optional<WebSession> find(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        String idHash = Secrets.sha256Hex(token);
        Optional<WebSession> found = jdbc.one("select * from web_session where id_hash = ?", r -> new WebSession(r.getString("id_hash"), r.getString("sid"),
                new MemberId(r.getObject("member_id", UUID.class)), WebSession.Stage.valueOf(r.getString("stage")),
                new LinkedHashSet<>(Arrays.asList(r.getString("amr").split(" "))), Jdbc.instant(r, "created_at"),
                Jdbc.instant(r, "last_seen_at"), Jdbc.instant(r, "expires_at")), idHash);
        Instant now = clock.instant();
        if (found.isEmpty()) {
            return found;
        }
        WebSession session = found.get();
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(session.lastSeenAt().plus(idle))) {
            // Timed out: it ends like a sign-out, so what relying parties hold through it ends too.
            jdbc.transaction(c -> {
                if (Jdbc.execute(c, "delete from web_session where id_hash = ?", idHash) > 0) {
                    events.fire(new AccountEvent.SessionsRevoked(session.member(), Set.of(session.sid()), null, false, "timeout"));
                }
                return null;
            });
            return Optional.empty();
        }
        if (now.isAfter(session.lastSeenAt().plus(TOUCH_EVERY))) {
            jdbc.update("update web_session set last_seen_at = ? where id_hash = ?", now, idHash);
        }
        return found;
    }

    /**
     * Ends the session and opens a new one with a new token, same creation time and absolute expiry;
     * empty when the session was revoked in the meantime.
     */
    public Optional<String> promote(WebSession session, WebSession.Stage stage, Set<String> amr, ClientInfo client) {
        String token = Secrets.token(32);
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, "delete from web_session where id_hash = ?", session.idHash()) == 0) {
                return Optional.<String>empty();
            }
            Jdbc.execute(c, "insert into web_session (id_hash, sid, member_id, stage, amr, created_at, last_seen_at, expires_at, ip, user_agent) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Secrets.sha256Hex(token), session.sid(), session.member().value(), stage, String.join(" ", amr),
                    session.createdAt(), now, session.expiresAt(), client.address(), client.userAgent());
            return Optional.of(token);
        });
    }

    /** Ends one session (sign-out); the relying parties signed in through it are told. */
    /**
     * The same member entered the password again in this session (re-authentication asked by an
     * application): a new token, the same sid, a fresh authentication time and absolute lifetime.
     * What relying parties hold through this session stays valid.
     */
    public String reauthenticate(WebSession session, WebSession.Stage stage, Set<String> amr, ClientInfo client) {
        String token = Secrets.token(32);
        Instant now = clock.instant();
        jdbc.transaction(c -> {
            Jdbc.execute(c, "delete from web_session where id_hash = ?", session.idHash());
            Jdbc.execute(c, "insert into web_session (id_hash, sid, member_id, stage, amr, created_at, last_seen_at, expires_at, ip, user_agent) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Secrets.sha256Hex(token), session.sid(), session.member().value(), stage, String.join(" ", amr),
                    now, now, now.plus(absolute), client.address(), client.userAgent());
            return null;
        });
        return token;
    }

    /** Whether a session with this sid is still open (neither timeout reached), locking it until the end of the caller's transaction. */
    public boolean openLocked(String sid) {
        Instant now = clock.instant();
        return sid != null && jdbc.one("select sid from web_session where sid = ? and expires_at > ? and last_seen_at > ? for update", r -> 1, sid,
                now, now.minus(idle)).isPresent();
    }

    public void revoke(String token) {
        if (token != null) {
            jdbc.transaction(c -> {
                var ended = jdbc.list("select member_id, sid from web_session where id_hash = ?",
                        r -> Map.entry(new MemberId(r.getObject(1, UUID.class)), r.getString(2)), Secrets.sha256Hex(token));
                jdbc.update("delete from web_session where id_hash = ?", Secrets.sha256Hex(token));
                ended.forEach(e -> events.fire(new AccountEvent.SessionsRevoked(e.getKey(), Set.of(e.getValue()), null, false, "signout")));
                return null;
            });
        }
    }

    /** Ends every session of the member but this one (after a password change in this session). */
    public int revokeOthers(MemberId member, WebSession kept, String reason) {
        return jdbc.transaction(c -> {
            Set<String> sids = new HashSet<>(jdbc.list("select sid from web_session where member_id = ? and sid <> ?",
                    r -> r.getString(1), member.value(), kept.sid()));
            int ended = jdbc.update("delete from web_session where member_id = ? and id_hash <> ?", member.value(), kept.idHash());
            events.fire(new AccountEvent.SessionsRevoked(member, sids, kept.sid(), true, reason));
            return ended;
        });
    }

    /** Deletes timed-out sessions (housekeeping; one is refused anyway), and with them what relying parties hold through them. */
    public int purge() {
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            Map<MemberId, Set<String>> ended = new java.util.HashMap<>();
            java.util.List<String> hashes = new java.util.ArrayList<>();
            jdbc.list("select id_hash, member_id, sid from web_session where expires_at < ? or last_seen_at < ? for update", r -> {
                hashes.add(r.getString(1));
                ended.computeIfAbsent(new MemberId(r.getObject(2, UUID.class)), k -> new HashSet<>()).add(r.getString(3));
                return null;
            }, now, now.minus(idle));
            if (hashes.isEmpty()) {
                return 0;
            }
            int deleted = jdbc.update("delete from web_session where id_hash = any(?)", Jdbc.array("varchar", hashes));
            ended.forEach((member, sids) -> events.fire(new AccountEvent.SessionsRevoked(member, sids, null, false, "timeout")));
            return deleted;
        });
    }

    /** Ends every session of the member, and with them what relying parties hold through them. */
    public int revokeAll(MemberId member, String reason) {
        return jdbc.transaction(c -> {
            Set<String> sids = new HashSet<>(jdbc.list("select sid from web_session where member_id = ?", r -> r.getString(1), member.value()));
            int ended = jdbc.update("delete from web_session where member_id = ?", member.value());
            events.fire(new AccountEvent.SessionsRevoked(member, sids, null, true, reason));
            return ended;
        });
    }

    /**
     * Ends every session of these members at once (an incident's hardening): two statements for the
     * batch; the members who had sessions open get their {@link AccountEvent.SessionsRevoked}.
     */
    public int revokeAll(java.util.Collection<MemberId> members, String reason) {
        if (members.isEmpty()) {
            return 0;
        }
        Jdbc.SqlArray ids = MemberRepository.uuids(members);
        return jdbc.transaction(c -> {
            Map<MemberId, Set<String>> open = new java.util.HashMap<>();
            jdbc.list("select member_id, sid from web_session where member_id = any(?)",
                    r -> Map.entry(new MemberId(r.getObject(1, UUID.class)), r.getString(2)), ids)
                    .forEach(e -> open.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue()));
            if (open.isEmpty()) {
                return 0;
            }
            int ended = jdbc.update("delete from web_session where member_id = any(?)", ids);
            open.forEach((member, sids) -> events.fire(new AccountEvent.SessionsRevoked(member, sids, null, true, reason)));
            return ended;
        });
    }

    public int countActive(MemberId member) {
        return jdbc.one("select count(*) from web_session where member_id = ? and expires_at > ? and last_seen_at > ?",
                r -> r.getInt(1), member.value(), clock.instant(), clock.instant().minus(idle)).orElse(0);
    }
}
