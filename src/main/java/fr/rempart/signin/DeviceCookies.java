package fr.rempart.signin;

import fr.rempart.member.MemberId;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Device cookies (OWASP "slow down online guessing with device cookies"): after a successful sign-in
 * the browser receives a signed cookie naming the member and a random device id. Failures from a
 * browser holding one count against that device only, so an attacker hammering the account from
 * elsewhere locks out the unknown devices, never the member's own browser.
 */
@ApplicationScoped
public class DeviceCookies {

    @Inject
    Clock clock;

    /** What the attempt scopes of the member's devices start with. */
    static String scopePrefix(MemberId member) {
        return "d:" + member.value() + ":";
    }

    public static final String COOKIE = "rempart_device";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** A verified device cookie: whose it is and which device. */
    public record Device(MemberId member, String deviceId) {
        public String scope() {
            return scopePrefix(member) + deviceId;
        }
    }

    private KeyRing keys;
    private Duration lifetime;

    protected DeviceCookies() {
    }

    @Inject
    public DeviceCookies(KeyRing keys, Settings settings) {
        this.keys = keys;
        this.lifetime = settings.deviceCookieLifetime();
    }

    public String issue(MemberId member) {
        byte[] device = new byte[16];
        RANDOM.nextBytes(device);
        UUID id = member.value();
        byte[] body = ByteBuffer.allocate(40).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .put(device).putLong(clock.instant().plus(lifetime).getEpochSecond()).array();
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    }

    public Optional<Device> verify(String cookie) {
        if (cookie == null || cookie.length() > 200) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        try {
            byte[] body = Base64.getUrlDecoder().decode(cookie.substring(0, Math.max(dot, 0)));
            byte[] signature = Base64.getUrlDecoder().decode(cookie.substring(dot + 1));
            if (body.length != 40 || !MessageDigest.isEqual(mac(body), signature)) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(body);
            UUID member = new UUID(buffer.getLong(), buffer.getLong());
            byte[] device = new byte[16];
            buffer.get(device);
            if (Instant.ofEpochSecond(buffer.getLong()).isBefore(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(new Device(new MemberId(member), HexFormat.of().formatHex(device)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    public Duration lifetime() {
        return lifetime;
    }

    private byte[] mac(byte[] body) {
        byte[] tagged = new byte[body.length + 7];
        System.arraycopy("device:".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tagged, 0, 7);
        System.arraycopy(body, 0, tagged, 7, body.length);
        return Arrays.copyOf(keys.mac(KeyRing.Purpose.COOKIE, tagged), 16);
    }
}
