package fr.rempart.signin.staff;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Staff sessions in the database ({@code staff_session}), like members' {@code web_session} but with
 * their own, shorter timeouts ({@code rempart.staff.session.*}) and a stable {@code sid}. A session
 * never changes stage under the same token: {@link #promote} replaces it.
 */
@ApplicationScoped
public class StaffSessionStore {

    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final String COLUMNS = "id_hash, sid, staff_id, stage, amr, auth_time, created_at, last_seen_at, expires_at";

    private Jdbc jdbc;
    private Duration idle;
    private Duration absolute;
    private Clock clock;

    protected StaffSessionStore() {
    }

    @Inject
    jakarta.enterprise.event.Event<Ended> events;

    @Inject
    public StaffSessionStore(Jdbc jdbc, Settings settings, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.idle = settings.staffSessionIdleTimeout();
        this.absolute = settings.staffSessionAbsoluteTimeout();
    }

    /** Opens a session after the password step and returns its token, whose only copy goes into the cookie. */
    public String create(StaffId staff, StaffSession.Stage stage, Set<String> amr, ClientInfo client) {
        String token = Secrets.token(32);
        Instant now = clock.instant();
        jdbc.update("insert into staff_session (id_hash, sid, staff_id, stage, amr, auth_time, created_at, last_seen_at, expires_at, ip, user_agent) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Secrets.sha256Hex(token), Secrets.token(16), staff.value(), stage, String.join(" ", amr), now,
                now, now, now.plus(absolute), client.address(), client.userAgent());
        return token;
    }

    /** The session of this token, if it exists and has timed out neither way. */
    public Optional<StaffSession> find(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        String idHash = Secrets.sha256Hex(token);
        Optional<StaffSession> found = jdbc.one("select " + COLUMNS + " from staff_session where id_hash = ?", r -> new StaffSession(
                r.getString("id_hash"), r.getString("sid"), new StaffId(r.getObject("staff_id", UUID.class)),
                StaffSession.Stage.valueOf(r.getString("stage")), new LinkedHashSet<>(Arrays.asList(r.getString("amr").split(" "))),
                Jdbc.instant(r, "auth_time"), Jdbc.instant(r, "created_at"), Jdbc.instant(r, "last_seen_at"), Jdbc.instant(r, "expires_at")), idHash);
        if (found.isEmpty()) {
            return found;
        }
        StaffSession session = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(session.lastSeenAt().plus(idle))) {
            // Timed out: it ends like a sign-out, so the console's grants through it end too.
            jdbc.transaction(c -> {
                if (Jdbc.execute(c, "delete from staff_session where id_hash = ?", idHash) > 0) {
                    fire(new Ended(session.staff().value().toString(), Set.of(session.sid()), null, false));
                }
                return null;
            });
            return Optional.empty();
        }
        if (now.isAfter(session.lastSeenAt().plus(TOUCH_EVERY))) {
            jdbc.update("update staff_session set last_seen_at = ? where id_hash = ?", now, idHash);
        }
        return found;
    }

    /**
     * Replaces the session by one at the next stage, with a new token, the same sid, creation time and
     * absolute expiry; {@code authTime} when a factor was just accepted, else the old one. Empty when
     * the session was ended meanwhile (signed out elsewhere, revoked by the OpenID provider).
     */
    public Optional<String> promote(StaffSession session, StaffSession.Stage stage, Set<String> amr, Instant authTime, ClientInfo client) {
        String token = Secrets.token(32);
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            if (Jdbc.execute(c, "delete from staff_session where id_hash = ?", session.idHash()) == 0) {
                return Optional.<String>empty();
            }
            Jdbc.execute(c, "insert into staff_session (id_hash, sid, staff_id, stage, amr, auth_time, created_at, last_seen_at, expires_at, ip, user_agent) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Secrets.sha256Hex(token), session.sid(), session.staff().value(), stage, String.join(" ", amr),
                    authTime == null ? session.authTime() : authTime, session.createdAt(), now, session.expiresAt(), client.address(), client.userAgent());
            return Optional.of(token);
        });
    }

    /** The secret of the enrolment in progress in this session, sealed. */
    public Optional<byte[]> pendingTotp(StaffSession session) {
        return jdbc.one("select pending_totp from staff_session where id_hash = ? and pending_totp is not null", r -> r.getBytes(1), session.idHash());
    }

    public void storePendingTotp(StaffSession session, byte[] sealed) {
        jdbc.update("update staff_session set pending_totp = ? where id_hash = ?", sealed, session.idHash());
    }

    /**
     * Sessions ended (sign-out, logout, a password change ending the others): the OpenID provider
     * revokes what the helpdesk console holds through them. {@code kept} is the session left open, if any.
     */
    public record Ended(String staffId, Set<String> sids, String kept, boolean wholeAccount) {
    }

    public void revoke(String token) {
        if (token != null) {
            jdbc.transaction(c -> {
                var ended = jdbc.list("select staff_id, sid from staff_session where id_hash = ?",
                        r -> java.util.Map.entry(r.getObject(1, UUID.class).toString(), r.getString(2)), Secrets.sha256Hex(token));
                jdbc.update("delete from staff_session where id_hash = ?", Secrets.sha256Hex(token));
                ended.forEach(e -> fire(new Ended(e.getKey(), Set.of(e.getValue()), null, false)));
                return null;
            });
        }
    }

    /** Ends the session with this sid, whatever its stage; true when there was one. */
    public boolean revokeSid(String sid) {
        if (sid == null) {
            return false;
        }
        return jdbc.transaction(c -> {
            Optional<StaffId> owner = staffOf(sid);
            boolean ended = jdbc.update("delete from staff_session where sid = ?", sid) > 0;
            owner.ifPresent(o -> fire(new Ended(o.value().toString(), Set.of(sid), null, false)));
            return ended;
        });
    }

    private void fire(Ended ended) {
        if (events != null) {
            events.fire(ended);
        }
    }

    /** Whether a session with this sid is still open (neither timeout reached), locked until the end of the caller's transaction. */
    public boolean openLocked(String sid) {
        Instant now = clock.instant();
        return sid != null && jdbc.one("select sid from staff_session where sid = ? and expires_at > ? and last_seen_at > ? for update", r -> 1, sid,
                now, now.minus(idle)).isPresent();
    }

    /** The account whose session has this sid, if it is still open. */
    public Optional<StaffId> staffOf(String sid) {
        return sid == null ? Optional.empty()
                : jdbc.one("select staff_id from staff_session where sid = ?", r -> new StaffId(r.getObject(1, UUID.class)), sid);
    }

    /** Ends every other session of the account (after a password change in this one). */
    public int revokeOthers(StaffId staff, StaffSession kept) {
        return jdbc.transaction(c -> {
            int ended = jdbc.update("delete from staff_session where staff_id = ? and id_hash <> ?", staff.value(), kept.idHash());
            fire(new Ended(staff.value().toString(), Set.of(), kept.sid(), true));
            return ended;
        });
    }

    /** Deletes timed-out sessions (housekeeping; one is refused anyway), and with them the console's grants through them. */
    public int purge() {
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            java.util.Map<String, Set<String>> ended = new java.util.HashMap<>();
            java.util.List<String> hashes = new java.util.ArrayList<>();
            jdbc.list("select id_hash, staff_id, sid from staff_session where expires_at < ? or last_seen_at < ? for update", r -> {
                hashes.add(r.getString(1));
                ended.computeIfAbsent(r.getObject(2, UUID.class).toString(), k -> new java.util.HashSet<>()).add(r.getString(3));
                return null;
            }, now, now.minus(idle));
            if (hashes.isEmpty()) {
                return 0;
            }
            int deleted = jdbc.update("delete from staff_session where id_hash = any(?)", Jdbc.array("varchar", hashes));
            ended.forEach((staff, sids) -> fire(new Ended(staff, sids, null, false)));
            return deleted;
        });
    }
}
