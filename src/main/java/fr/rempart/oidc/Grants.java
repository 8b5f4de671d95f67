package fr.rempart.oidc;

import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of what the provider hands out: authorization codes, grants (one sign-in given to one
 * client) and their refresh tokens, revoked access tokens. Codes and refresh tokens are stored as
 * SHA-256 only, so a copy of the database hands out nothing.
 */
@ApplicationScoped
public class Grants {

    /** An authorization code's context (OpenID Connect Core §3.1.2). */
    public record Code(String hash, String clientId, String redirectUri, OidcClient.Population population, String subject, String sid,
                       String scope, String nonce, String codeChallenge, Set<String> amr, Instant authTime, Instant expiresAt, Instant usedAt,
                       boolean apiResource) {
    }

    /**
     * One sign-in given to one client. {@code offline}: offline_access was asked (OpenID Connect Core §11), so the grant
     * outlives its session; any other grant ends with the session. {@code apiResource}: the API was asked for (RFC 8707).
     */
    public record Grant(String id, String clientId, OidcClient.Population population, String subject, String sid, String scope,
                        Set<String> amr, Instant authTime, Instant expiresAt, Instant revokedAt, boolean offline, boolean apiResource) {
        public boolean active(Instant now) {
            return revokedAt == null && now.isBefore(expiresAt);
        }

        public Grant withScope(String narrowed) {
            return new Grant(id, clientId, population, subject, sid, narrowed, amr, authTime, expiresAt, revokedAt, offline, apiResource);
        }
    }

    public record Refresh(String hash, Grant grant, Instant expiresAt, Instant usedAt) {
    }

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;

    public void saveCode(Code code, Instant now) {
        jdbc.update("insert into oidc_code (code_hash, client_id, redirect_uri, population, subject, sid, scope, nonce, code_challenge, amr, "
                        + "auth_time, created_at, expires_at, api_resource) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", code.hash(), code.clientId(),
                code.redirectUri(), code.population(), code.subject(), code.sid(), code.scope(), code.nonce(), code.codeChallenge(),
                String.join(" ", code.amr()), code.authTime(), now, code.expiresAt(), code.apiResource());
    }

    public Optional<Code> code(Connection c, String hash) throws SQLException {
        try (var s = Jdbc.prepare(c, "select * from oidc_code where code_hash = ? for update", hash); var r = s.executeQuery()) {
            if (!r.next()) {
                return Optional.empty();
            }
            return Optional.of(new Code(hash, r.getString("client_id"), r.getString("redirect_uri"),
                    OidcClient.Population.valueOf(r.getString("population")), r.getString("subject"), r.getString("sid"), r.getString("scope"),
                    r.getString("nonce"), r.getString("code_challenge"), words(r.getString("amr")), Jdbc.instant(r, "auth_time"),
                    Jdbc.instant(r, "expires_at"), Jdbc.instant(r, "used_at"), r.getBoolean("api_resource")));
        }
    }

    public boolean useCode(Connection c, String hash, Instant now) throws SQLException {
        return Jdbc.execute(c, "update oidc_code set used_at = ? where code_hash = ? and used_at is null", now, hash) == 1;
    }

    public Grant createGrant(Connection c, Code code, String scope, boolean offline, Instant now, Instant expiresAt) throws SQLException {
        Grant grant = new Grant(Secrets.token(16), code.clientId(), code.population(), code.subject(), code.sid(), scope, code.amr(),
                code.authTime(), expiresAt, null, offline, code.apiResource());
        Jdbc.execute(c, "insert into oidc_grant (id, client_id, population, subject, sid, scope, amr, auth_time, code_hash, created_at, expires_at, "
                        + "offline, api_resource) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", grant.id(), grant.clientId(), grant.population(),
                grant.subject(), grant.sid(), scope, String.join(" ", grant.amr()), grant.authTime(), code.hash(), now, expiresAt, offline,
                code.apiResource());
        return grant;
    }

    public Optional<Grant> grant(String id) {
        return jdbc.one("select * from oidc_grant where id = ?", Grants::grant, id);
    }

    /** Creates a refresh token for the grant and returns it (the only copy). */
    public String newRefreshToken(Connection c, Grant grant, Instant now, Instant expiresAt) throws SQLException {
        String token = Secrets.token(32);
        Jdbc.execute(c, "insert into oidc_refresh_token (token_hash, grant_id, created_at, expires_at) values (?, ?, ?, ?)",
                Secrets.sha256Hex(token), grant.id(), now, expiresAt);
        return token;
    }

    public Optional<Refresh> refresh(Connection c, String token) throws SQLException {
        try (var s = Jdbc.prepare(c, "select t.expires_at as token_expires_at, t.used_at, g.* from oidc_refresh_token t "
                + "join oidc_grant g on g.id = t.grant_id where t.token_hash = ?", Secrets.sha256Hex(token)); var r = s.executeQuery()) {
            if (!r.next()) {
                return Optional.empty();
            }
            return Optional.of(new Refresh(Secrets.sha256Hex(token), grant(r), Jdbc.instant(r, "token_expires_at"), Jdbc.instant(r, "used_at")));
        }
    }

    public Optional<Refresh> refresh(String token) {
        return jdbc.transaction(c -> refresh(c, token));
    }

    public boolean useRefresh(Connection c, String hash, Instant now) throws SQLException {
        return Jdbc.execute(c, "update oidc_refresh_token set used_at = ? where token_hash = ? and used_at is null", now, hash) == 1;
    }

    /** Revokes one grant and so every refresh token of its family and every access token that names it. */
    public int revokeGrant(String id, String why) {
        return jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where id = ? and revoked_at is null", clock.instant(), why, id);
    }

    /** Revokes what a reused code issued (RFC 6749 §4.1.2: "SHOULD revoke all tokens previously issued based on that code"). */
    public int revokeByCode(String codeHash, String why) {
        return jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where code_hash = ? and revoked_at is null",
                clock.instant(), why, codeHash);
    }

    /** Revokes the grants made through these sessions (signed out, timed out), but not the offline ones: they were asked to outlive it. */
    public int revokeBySessions(Set<String> sids, String why) {
        int revoked = 0;
        for (String sid : sids) {
            revoked += jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where sid = ? and revoked_at is null and not offline",
                    clock.instant(), why, sid);
        }
        return revoked;
    }

    public int revokeBySubject(String subject, String why) {
        return jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where subject = ? and revoked_at is null",
                clock.instant(), why, subject);
    }

    /** The clients that hold (or held) a grant for this subject: the receivers entitled to hear about it. */
    public List<String> clientsOf(String subject) {
        return jdbc.list("select distinct client_id from oidc_grant where subject = ?", r -> r.getString(1), subject);
    }

    public void revokeAccessToken(String jti, Instant expiresAt) {
        try {
            jdbc.update("insert into oidc_revoked_token (jti, expires_at) values (?, ?)", jti, expiresAt);
        } catch (RuntimeException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    public boolean accessTokenRevoked(String jti) {
        return jdbc.one("select 1 from oidc_revoked_token where jti = ?", r -> 1, jti).isPresent();
    }

    /** Housekeeping: what has expired is useless to keep. */
    public void purge() {
        Instant now = clock.instant();
        jdbc.update("delete from oidc_code where expires_at < ?", now.minusSeconds(3600));
        jdbc.update("delete from oidc_revoked_token where expires_at < ?", now);
        jdbc.update("delete from oidc_assertion where expires_at < ?", now);
        jdbc.update("delete from oidc_authorization_request where expires_at < ?", now);
        jdbc.update("delete from oidc_refresh_token where expires_at < ?", now);
        jdbc.update("delete from oidc_grant where expires_at < ?", now.minusSeconds(86_400));
        // Security events: delivered ones are kept a week for inquiries, undelivered ones a month.
        jdbc.update("delete from oidc_security_event where (delivered_at is not null and delivered_at < ?) or created_at < ?",
                now.minus(java.time.Duration.ofDays(7)), now.minus(java.time.Duration.ofDays(30)));
    }

    private static Grant grant(java.sql.ResultSet r) throws SQLException {
        return new Grant(r.getString("id"), r.getString("client_id"), OidcClient.Population.valueOf(r.getString("population")),
                r.getString("subject"), r.getString("sid"), r.getString("scope"), words(r.getString("amr")), Jdbc.instant(r, "auth_time"),
                Jdbc.instant(r, "expires_at"), Jdbc.instant(r, "revoked_at"), r.getBoolean("offline"), r.getBoolean("api_resource"));
    }

    private static Set<String> words(String value) {
        return value == null || value.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(value.trim().split(" +")));
    }
}
