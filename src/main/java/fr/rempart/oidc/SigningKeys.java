package fr.rempart.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider's signing keys (RFC 7517 JWKS): one active key per configured algorithm, ES256 by
 * default. Private keys are sealed by the key ring in {@code oidc_signing_key}. A rotation, on
 * schedule ({@code rempart.oidc.key-rotation}) or by command, retires the active key: it signs no
 * more but stays published until the last token it signed has expired.
 */
@ApplicationScoped
public class SigningKeys {

    private Clock clock;

    /** A key that signs: its id, algorithm and a signer made once. */
    public record Active(String kid, JWSAlgorithm algorithm, JWSSigner signer, Instant activeFrom, Instant retiredAt) {
        boolean signsAt(Instant now) {
            return !activeFrom.isAfter(now) && (retiredAt == null || retiredAt.isAfter(now));
        }
    }

    /** How long a key is published before it signs, so relying parties' JWKS caches have it first. */
    static final Duration PREPUBLISH = Duration.ofMinutes(10);

    private record Stored(JWK jwk, String alg, Instant activeFrom, Instant retiredAt, Instant publishUntil) {
    }

    private Jdbc jdbc;
    private KeyRing keys;
    private Settings settings;
    private AuditTrail audit;
    private volatile List<Active> candidates = List.of();
    private volatile JWKSet published = new JWKSet();
    private volatile JWKSet verification = new JWKSet();
    private volatile String publishedJson = "{\"keys\":[]}";
    private volatile long generation;

    protected SigningKeys() {
    }

    @Inject
    public SigningKeys(Jdbc jdbc, KeyRing keys, Settings settings, AuditTrail audit, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.keys = keys;
        this.settings = settings;
        this.audit = audit;
    }

    /** Makes sure each configured algorithm has a key younger than the rotation period, then (re)loads them all. */
    public synchronized void refresh() {
        Instant now = clock.instant();
        for (String alg : settings.oidcSigningAlgorithms()) {
            Optional<Instant> newest = jdbc.one("select active_from from oidc_signing_key where alg = ? "
                    + "order by active_from desc fetch first 1 rows only", r -> Jdbc.instant(r, "active_from"), alg);
            if (newest.isEmpty()) {
                rotate(alg, Duration.ZERO, Actor.SYSTEM, "first key");
            } else if (newest.get().plus(settings.oidcKeyRotation()).isBefore(now)) {
                rotate(alg, PREPUBLISH, Actor.SYSTEM, "scheduled rotation");
            }
        }
        load();
    }

    /**
     * Creates the successor of the algorithm's key, signing after {@code delay} (published at once);
     * the current key signs until then and stays published until the last token it signed expires.
     * The schedule waits {@link #PREPUBLISH}; the command (a suspected compromise) does not wait.
     */
    public synchronized String rotate(String alg, Duration delay, Actor actor, String reason) {
        return rotate(alg, delay, false, actor, reason);
    }

    /**
     * With {@code compromised}, the old keys are also withdrawn from the JWKS at once: what they
     * signed stops verifying, here and at every relying party that refreshes its keys.
     */
    public synchronized String rotate(String alg, Duration delay, boolean compromised, Actor actor, String reason) {
        Instant now = clock.instant();
        Instant switchAt = now.plus(delay);
        JWK jwk = generate(alg);
        Instant publishUntil = compromised ? now : switchAt.plus(longestTokenLifetime()).plus(Duration.ofMinutes(5));
        jdbc.transaction(c -> {
            // Every key still signing at the switch stops then (an immediate rotation also cuts short a pending one).
            Jdbc.execute(c, "update oidc_signing_key set retired_at = ?, publish_until = ? where alg = ? and (retired_at is null or retired_at > ?)",
                    switchAt, publishUntil, alg, switchAt);
            if (compromised) {
                Jdbc.execute(c, "update oidc_signing_key set publish_until = ? where alg = ? and kid <> ?", now, alg, jwk.getKeyID());
            }
            Jdbc.execute(c, "insert into oidc_signing_key (kid, alg, sealed_jwk, created_at, active_from) values (?, ?, ?, ?, ?)",
                    jwk.getKeyID(), alg, keys.seal(KeyRing.Purpose.SIGNING_KEY, jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                            context(jwk.getKeyID())), now, switchAt);
            audit.record(actor, compromised ? "signing-key.revoked" : "signing-key.rotated", jwk.getKeyID(), reason, alg);
            return null;
        });
        load();
        return jwk.getKeyID();
    }

    /** Reads the keys from the database: every node sees a rotation made by another within a minute. */
    public synchronized void load() {
        Instant now = clock.instant();
        List<Stored> stored = jdbc.list("select * from oidc_signing_key where publish_until is null or publish_until > ? "
                + "order by created_at, kid", r -> {
            String kid = r.getString("kid");
            try {
                JWK jwk = JWK.parse(new String(keys.open(r.getBytes("sealed_jwk"), context(kid)), StandardCharsets.UTF_8));
                return new Stored(jwk, r.getString("alg"), Jdbc.instant(r, "active_from"), Jdbc.instant(r, "retired_at"),
                        Jdbc.instant(r, "publish_until"));
            } catch (ParseException e) {
                throw new IllegalStateException("Unreadable signing key " + kid, e);
            }
        }, now);
        candidates = stored.stream().filter(s -> s.retiredAt() == null || s.retiredAt().isAfter(now))
                .sorted(Comparator.comparing(Stored::activeFrom).reversed())
                .map(s -> new Active(s.jwk().getKeyID(), JWSAlgorithm.parse(s.alg()), signer(s.jwk()), s.activeFrom(), s.retiredAt())).toList();
        List<JWK> all = new ArrayList<>(stored.stream().map(Stored::jwk).toList());
        verification = new JWKSet(all);
        published = verification.toPublicJWKSet();
        String json = published.toString(true);
        if (!json.equals(publishedJson)) {
            generation++; // only a change of keys empties the verified-token cache, not every minute's reload
        }
        publishedJson = json;
    }

    /** The key signing for the algorithm (the first configured one when {@code alg} is null or not served). */
    public Active signing(String alg) {
        String wanted = alg != null && settings.oidcSigningAlgorithms().contains(alg) ? alg : settings.oidcSigningAlgorithms().get(0);
        Instant now = clock.instant();
        for (Active key : candidates) { // newest first; a handful of keys at most
            if (key.algorithm().getName().equals(wanted) && key.signsAt(now)) {
                return key;
            }
        }
        throw new IllegalStateException("No active " + wanted + " signing key");
    }

    public List<String> algorithms() {
        return settings.oidcSigningAlgorithms();
    }

    /** Changes when the published keys change: caches of verified tokens start again (a withdrawn key verifies nothing). */
    public long generation() {
        return generation;
    }

    /** The public keys, as served at the JWKS endpoint. */
    public String publishedJson() {
        return publishedJson;
    }

    /** The keys to verify our own tokens with (the private parts are never used for that). */
    public JWKSet verificationKeys() {
        return published;
    }

    private Duration longestTokenLifetime() {
        Duration access = settings.oidcAccessTokenLifetime();
        Duration id = settings.oidcIdTokenLifetime();
        return access.compareTo(id) > 0 ? access : id;
    }

    private static JWK generate(String alg) {
        String kid = UUID.randomUUID().toString();
        try {
            return switch (alg) {
                case "ES256" -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
                case "RS256" -> new RSAKeyGenerator(3072).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
                default -> throw new IllegalArgumentException("Unsupported signing algorithm " + alg);
            };
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWSSigner signer(JWK jwk) {
        try {
            if (jwk instanceof ECKey ec) {
                return Es256.signer(ec);
            }
            return new RSASSASigner((RSAKey) jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] context(String kid) {
        return ("oidc-signing-key:" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
