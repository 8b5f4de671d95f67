package fr.rempart.password;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * with the OWASP parameters by default. Imported legacy hashes (bcrypt, PBKDF2 in passlib, PHC or
 * Django form) are verified as they are and reported as needing a re-hash, so the next successful
 * sign-in upgrades them. Passwords are normalised to NFKC and hashed whole: never truncated.
 */
@ApplicationScoped
public class PasswordHasher {

    public enum Verdict {
        MISMATCH, MATCH, MATCH_NEEDS_REHASH;

        public boolean matches() {
            return this != MISMATCH;
        }
    }

    public record Argon2Parameters(int memoryKib, int iterations, int parallelism) {
        public Argon2Parameters {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("Invalid Argon2 parameters");
            }
        }
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PBKDF2_PASSLIB = Pattern.compile("\\$pbkdf2(?:-(sha1|sha256|sha512))?\\$(\\d+)\\$([A-Za-z0-9./]+)\\$([A-Za-z0-9./]+)");
    private static final Pattern PBKDF2_PHC = Pattern.compile("\\$pbkdf2-(sha1|sha256|sha512)\\$i=(\\d+)(?:,l=\\d+)?\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Pattern PBKDF2_DJANGO = Pattern.compile("pbkdf2_(sha1|sha256)\\$(\\d+)\\$([^$]+)\\$([A-Za-z0-9+/=]+)");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final Pattern ARGON2_PARAMETERS = Pattern.compile("\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})\\$");
    private static final Pattern ARGON2 = Pattern.compile("\\$argon2(id|i|d)\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");

    private Argon2Parameters parameters;
    private Argon2Function argon2;
    private String dummyHash;

    protected PasswordHasher() {
    }

    @Inject
    public PasswordHasher(Settings settings) {
        this(new Argon2Parameters(settings.argon2MemoryKib(), settings.argon2Iterations(), settings.argon2Parallelism()));
    }

    public PasswordHasher(Argon2Parameters parameters) {
        this.parameters = parameters;
        this.argon2 = Argon2Function.getInstance(parameters.memoryKib(), parameters.iterations(), parameters.parallelism(),
                HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
        this.dummyHash = hash("rempart-timing-equaliser-" + RANDOM.nextLong());
    }

    public Argon2Parameters parameters() {
        return parameters;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return argon2.hash(bytes(password), salt).getResult();
    }

    public Verdict verify(String password, String stored) {
        if (password == null || stored == null) {
            return Verdict.MISMATCH;
        }
        try {
            if (stored.startsWith("$argon2")) {
                if (!argon2WithinBounds(stored)) {
                    return Verdict.MISMATCH;
                }
                Argon2Function function = Argon2Function.getInstanceFromHash(stored);
                if (!function.check(normalised(password), stored)) {
                    return Verdict.MISMATCH;
                }
                return function.equals(argon2) ? Verdict.MATCH : Verdict.MATCH_NEEDS_REHASH;
            }
            return verifyLegacy(password, stored) ? Verdict.MATCH_NEEDS_REHASH : Verdict.MISMATCH;
        } catch (RuntimeException e) {
            // A damaged stored hash proves nothing: a refusal, counted like any other, never an error page.
            return Verdict.MISMATCH;
        }
    }

    /** Imported Argon2 parameters within sane bounds: a hash must not make a sign-in allocate gigabytes. */
    private static boolean argon2WithinBounds(String stored) {
        Matcher m = ARGON2_PARAMETERS.matcher(stored);
        if (!m.find()) {
            return false;
        }
        long memory = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        long parallelism = Long.parseLong(m.group(3));
        return parallelism >= 1 && parallelism <= 16 && memory >= 8 * parallelism && memory <= 1 << 20 && iterations >= 1 && iterations <= 64;
    }

    /** Spends the time of one verification, for unknown accounts: they must cost what known ones cost. */
    public void verifyNothing(String password) {
        verify(password == null ? "" : password, dummyHash);
    }

    /** True for the hash formats {@link #verify} understands: Argon2, bcrypt, PBKDF2. */
    public static boolean recognised(String stored) {
        return stored != null && ((ARGON2.matcher(stored).matches() && argon2WithinBounds(stored)) || BCRYPT.matcher(stored).matches()
                || PBKDF2_PASSLIB.matcher(stored).matches() || PBKDF2_PHC.matcher(stored).matches()
                || PBKDF2_DJANGO.matcher(stored).matches());
    }

    private static boolean verifyLegacy(String password, String stored) {
        if (BCRYPT.matcher(stored).matches()) {
            // bcrypt reads at most 72 bytes: the upgrade to Argon2id then covers the whole password.
            return BcryptFunction.getInstanceFromHash(stored).check(password, stored);
        }
        Matcher m;
        if ((m = PBKDF2_PHC.matcher(stored)).matches()) {
            return pbkdf2(password, m.group(1), Integer.parseInt(m.group(2)),
                    Base64.getDecoder().decode(m.group(3)), Base64.getDecoder().decode(m.group(4)));
        }
        if ((m = PBKDF2_PASSLIB.matcher(stored)).matches()) {
            return pbkdf2(password, m.group(1) == null ? "sha1" : m.group(1), Integer.parseInt(m.group(2)),
                    adaptedBase64(m.group(3)), adaptedBase64(m.group(4)));
        }
        if ((m = PBKDF2_DJANGO.matcher(stored)).matches()) {
            return pbkdf2(password, m.group(1), Integer.parseInt(m.group(2)),
                    m.group(3).getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(m.group(4)));
        }
        return false;
    }

    private static boolean pbkdf2(String password, String digest, int iterations, byte[] salt, byte[] expected) {
        if (iterations < 1 || iterations > 10_000_000 || expected.length == 0 || expected.length > 128) {
            return false;
        }
        try {
            String algorithm = "PBKDF2WithHmac" + digest.toUpperCase(java.util.Locale.ROOT);
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            byte[] actual = factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, expected.length * 8)).getEncoded();
            return MessageDigest.isEqual(actual, expected);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** passlib's "adapted base64": '.' for '+', no padding. */
    private static byte[] adaptedBase64(String s) {
        return Base64.getDecoder().decode(s.replace('.', '+'));
    }

    private static byte[] bytes(String password) {
        return normalised(password).getBytes(StandardCharsets.UTF_8);
    }

    private static String normalised(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
