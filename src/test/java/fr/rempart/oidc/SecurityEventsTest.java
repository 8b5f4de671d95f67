package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.MemberId;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Account events become revoked grants and one signed SET per receiver that knows the member, no one else. */
class SecurityEventsTest {

    private static final String ISSUER = "https://rempart.test";

    private TestDatabase db;
    private Grants grants;
    private SecurityEvents events;

    @BeforeEach
    void open() throws Exception {
        db = new TestDatabase("rempart.oidc.issuer", ISSUER);
        AuditTrail audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
        SigningKeys keys = new SigningKeys(db.jdbc, db.keys, db.settings, audit, java.time.Clock.systemUTC());
        keys.refresh();
        grants = new Grants();
        grants.clock = java.time.Clock.systemUTC();
        grants.jdbc = db.jdbc;
        ClientRegistry clients = new ClientRegistry(db.jdbc, db.settings, audit, db.database, java.time.Clock.systemUTC());
        for (String id : List.of("portal", "stranger")) {
            clients.register(new ClientRegistry.Registration(id, List.of("https://rp.example/cb"), List.of(), Set.of("authorization_code"), Set.of(),
                    false, null, null, OidcClient.Population.MEMBER, null, "poll", null, null, null), Actor.SYSTEM);
        }
        events = new SecurityEvents();
        events.clock = java.time.Clock.systemUTC();
        events.grants = grants;
        events.tokens = new Tokens(db.settings, keys, java.time.Clock.systemUTC());
        events.clients = clients;
        events.jdbc = db.jdbc;
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Grants.Grant grant(MemberId member, String sid) {
        return grant(member, sid, false);
    }

    private Grants.Grant grant(MemberId member, String sid, boolean offline) {
        Instant now = Instant.now();
        Grants.Code code = new Grants.Code(Secrets.sha256Hex(Secrets.token(32)), "portal", "https://rp.example/cb", OidcClient.Population.MEMBER,
                member.value().toString(), sid, "openid", null, null, Set.of("pwd"), now, now.plusSeconds(60), null, false);
        return db.jdbc.transaction(c -> grants.createGrant(c, code, "openid", offline, now, now.plusSeconds(3600)));
    }

    private List<Map.Entry<String, String>> queued() {
        return db.jdbc.list("select client_id, claims from oidc_security_event order by id",
                r -> Map.entry(r.getString(1), events.tokens.signSecurityEvent(r.getString(2))));
    }

    @Test
    void aCompromisedAccountIsToldToTheReceiversThatKnowTheMemberOnly() throws Exception {
        MemberId member = db.insertMember();
        grant(member, "sid-1");
        MemberId stranger = db.insertMember();
        events.on(new fr.rempart.member.AccountsCompromised("INC-2026-01", List.of(member, stranger), true));
        events.on(new AccountEvent.CredentialChangeRequired(member, "incident INC-2026-01"));
        List<Map.Entry<String, String>> sets = queued();
        assertThat(sets).extracting(Map.Entry::getKey).containsExactly("portal", "portal");
        JWTClaimsSet first = SignedJWT.parse(sets.get(0).getValue()).getJWTClaimsSet();
        assertThat(first.getIssuer()).isEqualTo(ISSUER);
        assertThat(first.getAudience()).containsExactly("portal");
        assertThat(first.getJSONObjectClaim("sub_id")).containsEntry("format", "iss_sub").containsEntry("sub", member.value().toString());
        assertThat(first.getJSONObjectClaim("events")).containsKey(SecurityEvents.COMPROMISE);
        assertThat(SignedJWT.parse(sets.get(1).getValue()).getJWTClaimsSet().getJSONObjectClaim("events")).containsKey(SecurityEvents.CHANGE_REQUIRED);
        assertThat(SignedJWT.parse(sets.get(0).getValue()).getHeader().getType().getType()).isEqualTo("secevent+jwt");
    }

    @Test
    void endedSessionsRevokeTheirGrantsOrAllButTheKeptOne() {
        MemberId member = db.insertMember();
        Grants.Grant signedOut = grant(member, "sid-out");
        Grants.Grant other = grant(member, "sid-other");
        Grants.Grant kept = grant(member, "sid-kept");
        events.on(new AccountEvent.SessionsRevoked(member, Set.of("sid-out"), null, false, "signout"));
        assertThat(grants.grant(signedOut.id()).orElseThrow().revokedAt()).isNotNull();
        assertThat(grants.grant(other.id()).orElseThrow().revokedAt()).isNull();
        events.on(new AccountEvent.SessionsRevoked(member, Set.of(), "sid-kept", true, "password-changed"));
        assertThat(grants.grant(other.id()).orElseThrow().revokedAt()).isNotNull();
        assertThat(grants.grant(kept.id()).orElseThrow().revokedAt()).isNull();
        assertThat(queued()).hasSize(2).allSatisfy(e -> assertThat(e.getKey()).isEqualTo("portal"));
    }

    @Test
    void anOfflineGrantOutlivesItsSessionsEndButNotAPasswordChangeEvenInThatSession() {
        MemberId member = db.insertMember();
        Grants.Grant offline = grant(member, "sid-app", true);
        Grants.Grant bound = grant(member, "sid-app", false);
        // The session signs out, or times out: the grant bound to it ends, the offline one was asked to outlive it.
        events.on(new AccountEvent.SessionsRevoked(member, Set.of("sid-app"), null, false, "timeout"));
        assertThat(grants.grant(bound.id()).orElseThrow().revokedAt()).isNotNull();
        assertThat(grants.grant(offline.id()).orElseThrow().revokedAt()).isNull();
        // A password changed in that very session (it is kept) still ends the offline grant: the old password may be known.
        events.on(new AccountEvent.SessionsRevoked(member, Set.of(), "sid-app", true, "password-changed"));
        assertThat(grants.grant(offline.id()).orElseThrow().revokedAt()).isNotNull();
    }

    @Test
    void aMemberNoReceiverKnowsCausesNoEvent() {
        events.on(new AccountEvent.CredentialChanged(db.insertMember(), "password", "update"));
        assertThat(queued()).isEmpty();
    }
}
