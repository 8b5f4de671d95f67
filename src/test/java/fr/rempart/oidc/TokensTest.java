package fr.rempart.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Our own tokens: what verifies, every forgery refused, and key rotation that breaks no token. */
class TokensTest {

    private static final String ISSUER = "https://rempart.test";

    private TestDatabase db;
    private SigningKeys keys;
    private Tokens tokens;

    @BeforeEach
    void open() throws Exception {
        db = new TestDatabase("rempart.oidc.issuer", ISSUER);
        keys = new SigningKeys(db.jdbc, db.keys, db.settings, new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC()), java.time.Clock.systemUTC());
        keys.refresh();
        tokens = new Tokens(db.settings, keys, java.time.Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String access() {
        return tokens.accessToken(new Tokens.Access("subject-1", "portal", TrustedIssuers.Kind.STAFF, List.of("portal"), "openid",
                Set.of("helpdesk-agent"), "grant-1", "sid-1", Set.of("pwd", "otp"), Instant.now(), null), Instant.now());
    }

    @Test
    void anAccessTokenVerifiesWithItsClaims() throws Exception {
        JWTClaimsSet claims = tokens.verifyAccessToken(access()).orElseThrow();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        // Meant for the client alone: it still verifies (UserInfo, introspection); only the API asks for its own audience.
        assertThat(claims.getAudience()).containsExactly("portal");
        assertThat(claims.getStringClaim(Tokens.SUBJECT_KIND)).isEqualTo("staff");
        assertThat(claims.getStringListClaim("amr")).containsExactlyInAnyOrder("pwd", "otp", "mfa");
        assertThat(claims.getStringClaim("acr")).isEqualTo(Acr.MFA);
        assertThat(SignedJWT.parse(access()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    private String resigned(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        // Re-signed with the provider's own active key: only the claims are wrong.
        JWTClaimsSet claims = change.apply(new JWTClaimsSet.Builder(SignedJWT.parse(access()).getJWTClaimsSet())).build();
        SigningKeys.Active key = keys.signing(null);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(Tokens.ACCESS_TOKEN).keyID(key.kid()).build(), claims);
        jwt.sign(key.signer());
        return jwt.serialize();
    }

    @Test
    void wrongIssuerNoAudienceExpiredOrNotYetValidTokensAreRefusedEvenWellSigned() throws Exception {
        assertThat(tokens.verifyAccessToken(resigned(b -> b))).isPresent();
        assertThat(tokens.verifyAccessToken(resigned(b -> b.issuer("https://elsewhere.test")))).isEmpty();
        assertThat(tokens.verifyAccessToken(resigned(b -> b.audience((String) null)))).isEmpty();
        assertThat(tokens.verifyAccessToken(resigned(b -> b.expirationTime(Date.from(Instant.now().minusSeconds(120)))))).isEmpty();
        assertThat(tokens.verifyAccessToken(resigned(b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))))).isEmpty();
        assertThat(tokens.verifyAccessToken(resigned(b -> b.jwtID(null)))).isEmpty();
    }

    @Test
    void algNoneHmacWithThePublicKeyAndUnknownKeysAreRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(access()).getJWTClaimsSet();
        assertThat(tokens.verifyAccessToken(new PlainJWT(claims).serialize())).isEmpty();

        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(Tokens.ACCESS_TOKEN).keyID(keys.signing(null).kid()).build(), claims);
        hmac.sign(new MACSigner(keys.publishedJson().getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.verifyAccessToken(hmac.serialize())).isEmpty();

        var stranger = new ECKeyGenerator(Curve.P_256).keyID(keys.signing(null).kid()).generate(); // even with our kid
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(Tokens.ACCESS_TOKEN).keyID(stranger.getKeyID()).build(), claims);
        forged.sign(new ECDSASigner(stranger));
        assertThat(tokens.verifyAccessToken(forged.serialize())).isEmpty();
        SignedJWT unknown = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(Tokens.ACCESS_TOKEN).keyID("unknown").build(), claims);
        unknown.sign(new ECDSASigner(stranger));
        assertThat(tokens.verifyAccessToken(unknown.serialize())).isEmpty();
    }

    @Test
    void anIdTokenIsNotAnAccessTokenNorTheReverse() throws Exception {
        OidcClient client = new OidcClient("portal", null, false, OidcClient.AuthMethod.CLIENT_SECRET_BASIC, null, List.of(), List.of(), Set.of(),
                Set.of(), Set.of(), OidcClient.Population.MEMBER, null, null, null, null);
        String id = tokens.idToken(client, new SignedIn("subject-1", "sid-1", Set.of("pwd"), Instant.now(), Set.of(), java.util.Map.of()),
                "nonce-1", null, Instant.now());
        assertThat(tokens.verifyAccessToken(id)).isEmpty();
        assertThat(tokens.verifyIdTokenHint(id)).isPresent();
        assertThat(tokens.verifyIdTokenHint(access())).isEmpty();
    }

    @Test
    void rotationPublishesTheSuccessorFirstAndKeepsTheOldKeyUntilItsTokensExpire() throws Exception {
        String before = access();
        String oldKid = keys.signing("ES256").kid();
        String newKid = keys.rotate("ES256", Duration.ofMinutes(10), Actor.SYSTEM, "test");
        assertThat(keys.publishedJson()).contains(oldKid, newKid);
        assertThat(keys.signing("ES256").kid()).isEqualTo(oldKid); // prepublished: not signing yet
        String immediate = keys.rotate("ES256", Duration.ZERO, Actor.SYSTEM, "compromise");
        assertThat(keys.signing("ES256").kid()).isEqualTo(immediate);
        assertThat(keys.publishedJson()).contains(oldKid, newKid, immediate);
        assertThat(tokens.verifyAccessToken(before)).isPresent(); // signed by the retired key, still verifiable
        assertThat(SignedJWT.parse(access()).getHeader().getKeyID()).isEqualTo(immediate);
        assertThat(SignedJWT.parse(access()).getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        // Private parts never published.
        assertThat(keys.publishedJson()).doesNotContain("\"d\"");
    }

    @Test
    void aRetiredKeyIsDroppedOnceItsLastTokenHasExpired() throws Exception {
        String oldKid = keys.signing("ES256").kid();
        keys.rotate("ES256", Duration.ZERO, Actor.SYSTEM, "test");
        db.jdbc.update("update oidc_signing_key set publish_until = ? where kid = ?", Instant.now().minusSeconds(1), oldKid);
        keys.load();
        assertThat(keys.publishedJson()).doesNotContain(oldKid);
    }

    @Test
    void ourEs256InteroperatesWithTheJdkImplementationBothWays() throws Exception {
        var key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("s").build();
        for (int i = 0; i < 50; i++) { // several signatures: short R or S values must be padded to 32 bytes
            SignedJWT ours = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
            ours.sign(Es256.signer(key));
            assertThat(ours.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key.toPublicJWK()))).isTrue();
            SignedJWT theirs = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), new JWTClaimsSet.Builder().subject("s" + i).build());
            theirs.sign(new ECDSASigner(key));
            assertThat(theirs.verify(Es256.verifiers().createJWSVerifier(theirs.getHeader(), key.toECPublicKey()))).isTrue();
            SignedJWT tampered = new SignedJWT(theirs.getHeader().toBase64URL(), new JWTClaimsSet.Builder().subject("other").build().toPayload().toBase64URL(),
                    theirs.getSignature());
            assertThat(tampered.verify(Es256.verifiers().createJWSVerifier(theirs.getHeader(), key.toECPublicKey()))).isFalse();
        }
    }

    @Test
    void aClientMayAskForRs256IdTokensAndTheKeysAreStoredSealed() throws Exception {
        OidcClient client = new OidcClient("legacy", null, false, OidcClient.AuthMethod.CLIENT_SECRET_BASIC, null, List.of(), List.of(), Set.of(),
                Set.of(), Set.of(), OidcClient.Population.MEMBER, "RS256", null, null, null);
        String id = tokens.idToken(client, new SignedIn("subject-1", "sid-1", Set.of("pwd"), Instant.now(), Set.of(), java.util.Map.of()),
                null, null, Instant.now());
        assertThat(SignedJWT.parse(id).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(tokens.verifyIdTokenHint(id)).isPresent();
        assertThat(SignedJWT.parse(access()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256); // the default stays ES256
        for (byte[] sealed : db.jdbc.list("select sealed_jwk from oidc_signing_key", r -> r.getBytes(1))) {
            String raw = new String(sealed, StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain("\"kty\"").doesNotContain("\"d\"");
        }
    }

    @Test
    void theScheduleReplacesAKeyOlderThanTheRotationPeriodAndPublishesItFirst() {
        String old = keys.signing("ES256").kid();
        db.jdbc.update("update oidc_signing_key set active_from = ?, created_at = ? where kid = ?",
                Instant.now().minus(Duration.ofDays(31)), Instant.now().minus(Duration.ofDays(31)), old);
        keys.refresh();
        List<String> es256 = db.jdbc.list("select kid from oidc_signing_key where alg = 'ES256' order by active_from", r -> r.getString(1));
        assertThat(es256).hasSize(2).startsWith(old);
        assertThat(keys.publishedJson()).contains(es256.get(1));
        assertThat(keys.signing("ES256").kid()).isEqualTo(old); // the successor signs only after SigningKeys.PREPUBLISH
        keys.refresh();
        assertThat(db.jdbc.list("select kid from oidc_signing_key where alg = 'ES256'", r -> r.getString(1))).hasSize(2); // no second rotation
    }
}
