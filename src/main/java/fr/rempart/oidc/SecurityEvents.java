package fr.rempart.oidc;

import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.AccountsCompromised;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.signin.staff.StaffSessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns account events into what relying parties must know: the grants made through ended sessions
 * are revoked (introspection answers inactive at once), and each receiver that knows the member —
 * it holds or held a grant for them — gets a Security Event Token (RFC 8417) with the RISC or CAEP
 * event type, written to a durable outbox in the same transaction as the change itself.
 */
@ApplicationScoped
public class SecurityEvents {

    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    public static final String SESSION_REVOKED = CAEP + "session-revoked";
    public static final String CREDENTIAL_CHANGE = CAEP + "credential-change";
    public static final String CHANGE_REQUIRED = RISC + "account-credential-change-required";
    public static final String COMPROMISE = RISC + "credential-compromise";
    static final List<String> TYPES = List.of(SESSION_REVOKED, CREDENTIAL_CHANGE, CHANGE_REQUIRED, COMPROMISE);

    @Inject
    Clock clock;
    @Inject
    Grants grants;
    @Inject
    Tokens tokens;
    @Inject
    ClientRegistry clients;
    @Inject
    Jdbc jdbc;

    /**
     * The same reactions for an operator command that changes accounts without the server (the
     * breach-list import): grants revoked and events written to the outbox, which the service delivers.
     */
    public static SecurityEvents standalone(Database database, Jdbc jdbc, Settings settings,
                                            KeyRing keyRing, AuditTrail audit) {
        SigningKeys keys = new SigningKeys(jdbc, keyRing, settings, audit, java.time.Clock.systemUTC());
        keys.refresh();
        SecurityEvents events = new SecurityEvents();
        events.clock = Clock.systemUTC();
        events.grants = new Grants();
        events.grants.clock = Clock.systemUTC();
        events.grants.jdbc = jdbc;
        events.tokens = new Tokens(settings, keys, java.time.Clock.systemUTC());
        events.clients = new ClientRegistry(jdbc, settings, audit, database, java.time.Clock.systemUTC());
        events.clients.reload();
        events.jdbc = jdbc;
        return events;
    }

    public void on(@Observes AccountEvent event) {
        String subject = event.member().value().toString();
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_timestamp", now.getEpochSecond());
        String type;
        if (event instanceof AccountEvent.SessionsRevoked revoked) {
            int ended = revoked.wholeAccount()
                    ? revokeAllBut(subject, revoked.kept(), revoked.reason())
                    : grants.revokeBySessions(revoked.ended(), revoked.reason());
            if (ended == 0 && revoked.ended().isEmpty()) {
                return; // nothing was open: nothing to tell
            }
            type = SESSION_REVOKED;
            body.put("initiating_entity", revoked.reason().equals("signout") ? "user" : "policy");
            body.put("reason_admin", Map.of("en", revoked.reason()));
        } else if (event instanceof AccountEvent.CredentialChanged changed) {
            type = CREDENTIAL_CHANGE;
            body.put("credential_type", changed.type());
            body.put("change_type", changed.change());
            body.put("initiating_entity", "user");
        } else {
            AccountEvent.CredentialChangeRequired required = (AccountEvent.CredentialChangeRequired) event;
            type = CHANGE_REQUIRED;
            body.put("reason_admin", Map.of("en", required.reason() == null ? "required" : required.reason()));
        }
        if (!clients.eventReceivers().isEmpty()) {
            enqueue(subject, sessionOf(event), type, body, now, Set.copyOf(grants.clientsOf(subject)));
        }
    }

    /**
     * A batch of accounts known compromised: their grants end (when the incident's policy revokes
     * sessions) in one statement, and each receiver that knows one of them gets a
     * {@code credential-compromise} event — one query for the batch, not one per member.
     */
    public void on(@Observes AccountsCompromised compromised) {
        if (compromised.members().isEmpty()) {
            return;
        }
        Jdbc.SqlArray subjects = Jdbc.array("varchar", compromised.members().stream().map(m -> m.value().toString()).toList());
        Instant now = clock.instant();
        if (compromised.sessionsRevoked()) {
            jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where revoked_at is null and subject = any(?)", now, "incident", subjects);
        }
        if (clients.eventReceivers().isEmpty()) {
            return;
        }
        Map<String, Set<String>> entitled = new LinkedHashMap<>();
        jdbc.list("select distinct subject, client_id from oidc_grant where subject = any(?)", r -> Map.entry(r.getString(1), r.getString(2)), subjects)
                .forEach(e -> entitled.computeIfAbsent(e.getKey(), k -> new java.util.HashSet<>()).add(e.getValue()));
        entitled.forEach((subject, clientIds) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("event_timestamp", now.getEpochSecond());
            body.put("credential_type", "password");
            body.put("reason_admin", Map.of("en", "incident " + compromised.incident()));
            enqueue(subject, null, COMPROMISE, body, now, clientIds);
        });
    }

    /** CAEP §3.1: one session signed out is named, so receivers end that session and not the member's others. */
    private static String sessionOf(AccountEvent event) {
        return event instanceof AccountEvent.SessionsRevoked revoked && !revoked.wholeAccount() && revoked.ended().size() == 1
                ? revoked.ended().iterator().next() : null;
    }

    /** A staff session ended: the console's grants through it end too (no security events: receivers hear about members). */
    void on(@Observes StaffSessionStore.Ended ended) {
        if (ended.wholeAccount()) {
            revokeAllBut(ended.staffId(), ended.kept(), "staff-sessions-ended");
        } else {
            grants.revokeBySessions(ended.sids(), "staff-signout");
        }
    }

    /** Every grant of the account but those of the kept session; offline grants go too, wherever they came from: a credential changed. */
    private int revokeAllBut(String subject, String kept, String reason) {
        if (kept == null) {
            return grants.revokeBySubject(subject, reason);
        }
        return jdbc.update("update oidc_grant set revoked_at = ?, revoked_why = ? where subject = ? and revoked_at is null "
                + "and (offline or sid is null or sid <> ?)", clock.instant(), reason, subject, kept);
    }

    private void enqueue(String subject, String session, String type, Map<String, Object> body, Instant now, Set<String> entitled) {
        List<OidcClient> receivers = clients.eventReceivers();
        Map<String, Object> user = Map.of("format", "iss_sub", "iss", tokens.issuer(), "sub", subject);
        // RFC 9493 / SSF §3: the user, or the user's one session (a "complex" subject) when a single session ended.
        Map<String, Object> subjectId = session == null ? user
                : Map.of("format", "complex", "user", user, "session", Map.of("format", "opaque", "id", session));
        for (OidcClient receiver : receivers.stream().filter(r -> entitled.contains(r.clientId())).collect(Collectors.toList())) {
            String jti = Secrets.token(16);
            String set = tokens.securityEvent(receiver.clientId(), jti, subjectId, type, body, now).toString();
            jdbc.update("insert into oidc_security_event (jti, client_id, event_type, claims, delivery, created_at, attempts, next_attempt_at) "
                    + "values (?, ?, ?, ?, ?, ?, 0, ?)", jti, receiver.clientId(), type, set, receiver.eventsDelivery(), now, now);
        }
    }
}
