package fr.rempart.password;

import com.password4j.BcryptFunction;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hash imported from the old portal (bcrypt, or PBKDF2 in passlib, PHC or Django form), taken apart
 * into what recomputing it needs ({@link #spec()}: algorithm, cost, salt) and what it produced
 * ({@link #digest()}). Wrapping keeps the spec and hides the digest under Argon2id; the
 * {@link #classKey()} (algorithm and cost, no salt) names what one verification of it costs.
 */
record LegacyHash(String classKey, String spec, String digest) {

    private static final Pattern PBKDF2_PASSLIB = Pattern.compile("\\$pbkdf2(?:-(sha1|sha256|sha512))?\\$(\\d{1,8})\\$([A-Za-z0-9./]+)\\$([A-Za-z0-9./]+)");
    private static final Pattern PBKDF2_PHC = Pattern.compile("\\$pbkdf2-(sha1|sha256|sha512)\\$i=(\\d{1,8})(?:,l=\\d+)?\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Pattern PBKDF2_DJANGO = Pattern.compile("pbkdf2_(sha1|sha256)\\$(\\d{1,8})\\$([^$]+)\\$([A-Za-z0-9+/=]+)");
    private static final Pattern BCRYPT = Pattern.compile("\\$(2[aby])\\$(\\d{2})\\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})");
    private static final Pattern PBKDF2_SPEC = Pattern.compile("pbkdf2-(sha1|sha256|sha512),i=(\\d{1,8}),l=(\\d{1,3}),s=([A-Za-z0-9+/]*)");
    private static final Pattern BCRYPT_SPEC = Pattern.compile("bcrypt,v=(2[aby]),c=(\\d{2}),s=([./A-Za-z0-9]{22})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The legacy hash in {@code stored}, if it is one of the formats the old portals wrote. */
    static Optional<LegacyHash> parse(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        try {
            Matcher m;
            if ((m = BCRYPT.matcher(stored)).matches()) {
                return bcrypt(m.group(1), m.group(2), m.group(3), m.group(4));
            }
            if ((m = PBKDF2_PHC.matcher(stored)).matches()) {
                return pbkdf2(m.group(1), m.group(2), Base64.getDecoder().decode(m.group(3)), Base64.getDecoder().decode(m.group(4)));
            }
            if ((m = PBKDF2_PASSLIB.matcher(stored)).matches()) {
                return pbkdf2(m.group(1) == null ? "sha1" : m.group(1), m.group(2), adaptedBase64(m.group(3)), adaptedBase64(m.group(4)));
            }
            if ((m = PBKDF2_DJANGO.matcher(stored)).matches()) {
                return pbkdf2(m.group(1), m.group(2), m.group(3).getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(m.group(4)));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The hash a {@link #spec()} describes, with the digest found under the wrapping. */
    static Optional<LegacyHash> fromSpec(String spec, String digest) {
        if (PBKDF2_SPEC.matcher(spec).matches() || BCRYPT_SPEC.matcher(spec).matches()) {
            return Optional.of(new LegacyHash(classOf(spec), spec, digest));
        }
        return Optional.empty();
    }

    /** A hash of the class with a random salt and digest: what calibration times, never a member's. */
    static LegacyHash sample(String classKey) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        if (classKey.startsWith("bcrypt,")) {
            String bcryptSalt = BcryptFunction.getInstance(4).hash("sample").getResult().substring(7, 29);
            return new LegacyHash(classKey, "bcrypt,v=2b," + classKey.substring("bcrypt,".length()) + ",s=" + bcryptSalt, "");
        }
        return new LegacyHash(classKey, classKey + ",s=" + B64.encodeToString(salt), "");
    }

    /** What the old portal's algorithm makes of {@code password} with this hash's salt and cost; null if it cannot run. */
    String compute(String password) {
        Matcher m;
        if ((m = BCRYPT_SPEC.matcher(spec)).matches()) {
            // bcrypt reads at most 72 bytes: the upgrade to Argon2id at the next sign-in covers the whole password.
            String salt = "$" + m.group(1) + "$" + m.group(2) + "$" + m.group(3);
            return BcryptFunction.getInstanceFromHash(salt + "x".repeat(31)).hash(password, salt).getResult().substring(29);
        }
        if ((m = PBKDF2_SPEC.matcher(spec)).matches()) {
            int iterations = Integer.parseInt(m.group(2));
            int length = Integer.parseInt(m.group(3));
            if (iterations < 1 || iterations > 10_000_000 || length < 1 || length > 128) {
                return null;
            }
            try {
                SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmac" + m.group(1).toUpperCase(Locale.ROOT));
                return B64.encodeToString(factory.generateSecret(
                        new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(m.group(4)), iterations, length * 8)).getEncoded());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Legacy hashes are checked as the old system made them: no NFKC normalisation. Constant-time. */
    boolean matches(String password) {
        String actual = compute(password);
        return actual != null && MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), digest.getBytes(StandardCharsets.US_ASCII));
    }

    private static Optional<LegacyHash> bcrypt(String version, String cost, String salt, String digest) {
        String spec = "bcrypt,v=" + version + ",c=" + cost + ",s=" + salt;
        return Optional.of(new LegacyHash(classOf(spec), spec, digest));
    }

    private static Optional<LegacyHash> pbkdf2(String digestName, String iterations, byte[] salt, byte[] expected) {
        int count = Integer.parseInt(iterations);
        if (count < 1 || count > 10_000_000 || expected.length == 0 || expected.length > 128) {
            return Optional.empty();
        }
        String spec = "pbkdf2-" + digestName + ",i=" + count + ",l=" + expected.length + ",s=" + B64.encodeToString(salt);
        return Optional.of(new LegacyHash(classOf(spec), spec, B64.encodeToString(expected)));
    }

    /** The spec without its salt: "pbkdf2-sha256,i=600000,l=32", "bcrypt,c=10" (the bcrypt variants cost the same). */
    private static String classOf(String spec) {
        String withoutSalt = spec.substring(0, spec.lastIndexOf(",s="));
        return withoutSalt.startsWith("bcrypt,") ? withoutSalt.replaceFirst("v=2[aby],", "") : withoutSalt;
    }

    /** passlib's "adapted base64": '.' for '+', no padding. */
    private static byte[] adaptedBase64(String s) {
        return Base64.getDecoder().decode(s.replace('.', '+'));
    }
}
