package fr.rempart.password;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * with the OWASP parameters by default. Passwords are normalised to NFKC and hashed whole: never truncated.
 *
 * <p>Imported legacy hashes (bcrypt, PBKDF2 in passlib, PHC or Django form) are verified as the old
 * portal made them and reported as needing a re-hash, so the next successful sign-in upgrades them.
 * Until then {@link LegacyHashes} wraps them ({@link #wrap}): the old digest is hashed again with
 * Argon2id, so a stolen table yields no weak digest, and the outer memory is chosen so the whole
 * verification costs one Argon2id. What still costs more (a PBKDF2 dearer than Argon2id on its own)
 * is covered by the {@linkplain #floor(Duration) floor}: while such hashes exist, every verification,
 * of any account or of none, lasts at least that long, so time tells nothing about the stored hash.
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

    /** The form of a wrapped legacy hash: {@code $rempart-wrapped$v=1$<legacy spec>$argon2id$…} (Argon2id of the legacy digest). */
    static final String WRAPPED = "$rempart-wrapped$v=1$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ARGON2_PARAMETERS = Pattern.compile("\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})\\$");
    private static final Pattern ARGON2 = Pattern.compile("\\$argon2(id|i|d)\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");
    private static final Pattern WRAPPED_FORM = Pattern.compile(Pattern.quote(WRAPPED) + "([^$]+)(\\$argon2id\\$.+)");

    private Argon2Parameters parameters;
    private Argon2Function argon2;
    private String dummyHash;
    /** Nanoseconds every verification lasts at least (0: no legacy hash costs more than one Argon2id). */
    private volatile long floorNanos;

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
        return argon2.hash(bytes(password), salt()).getResult();
    }

    /** Verifies {@code password}; the call lasts at least the {@linkplain #floor(Duration) floor}, whatever the answer. */
    public Verdict verify(String password, String stored) {
        long start = System.nanoTime();
        try {
            return check(password, stored);
        } finally {
            waitForFloor(start);
        }
    }

    /** Spends the time of one verification, for unknown accounts: they must cost what known ones cost. */
    public void verifyNothing(String password) {
        verify(password == null ? "" : password, dummyHash);
    }

    /**
     * Sets the time every verification lasts at least. {@link LegacyHashes} sets it to the dearest
     * hash still stored, and back to zero when none costs more than one Argon2id.
     */
    public void floor(Duration floor) {
        floorNanos = Math.max(0, floor.toNanos());
    }

    public Duration floor() {
        return Duration.ofNanos(floorNanos);
    }

    /** The verification itself, without the floor: what calibration times. */
    Verdict check(String password, String stored) {
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
            Matcher wrapped = WRAPPED_FORM.matcher(stored);
            if (wrapped.matches()) {
                String outer = wrapped.group(2);
                if (!argon2WithinBounds(outer)) {
                    return Verdict.MISMATCH;
                }
                String inner = LegacyHash.fromSpec(wrapped.group(1), "").map(h -> h.compute(password)).orElse(null);
                return inner != null && Argon2Function.getInstanceFromHash(outer).check(inner, outer)
                        ? Verdict.MATCH_NEEDS_REHASH : Verdict.MISMATCH;
            }
            return LegacyHash.parse(stored).filter(h -> h.matches(password)).isPresent() ? Verdict.MATCH_NEEDS_REHASH : Verdict.MISMATCH;
        } catch (RuntimeException e) {
            // A damaged stored hash proves nothing: a refusal, counted like any other, never an error page.
            return Verdict.MISMATCH;
        }
    }

    /**
     * The old digest of a legacy hash hashed again with Argon2id ({@code outerMemoryKib}, this hasher's
     * passes and lanes): verifying it recomputes the legacy algorithm, then the Argon2id. Empty for a
     * hash that is not a legacy one (Argon2, already wrapped, unknown).
     */
    public Optional<String> wrap(String legacy, int outerMemoryKib) {
        return LegacyHash.parse(legacy).map(h -> WRAPPED + h.spec() + outer(outerMemoryKib).hash(h.digest().getBytes(StandardCharsets.US_ASCII), salt()).getResult());
    }

    /**
     * What one verification of {@code stored} costs, by class: the legacy algorithm and its cost
     * ("pbkdf2-sha256,i=600000,l=32", "bcrypt,c=10"), wrapped or not, or the parameters of an Argon2
     * hash made with other parameters ("argon2id,m=65536,t=3,p=4"). Empty for this hasher's own hashes.
     */
    public Optional<String> costClass(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher wrapped = WRAPPED_FORM.matcher(stored);
        if (wrapped.matches()) {
            return LegacyHash.fromSpec(wrapped.group(1), "").map(LegacyHash::classKey);
        }
        if (ARGON2.matcher(stored).matches() && argon2WithinBounds(stored)) {
            Argon2Function function = Argon2Function.getInstanceFromHash(stored);
            return function.equals(argon2) ? Optional.empty() : Optional.of("argon2" + function.getVariant().name().toLowerCase(Locale.ROOT)
                    + ",m=" + function.getMemory() + ",t=" + function.getIterations() + ",p=" + function.getParallelism());
        }
        return LegacyHash.parse(stored).map(LegacyHash::classKey);
    }

    /** True for a legacy hash still stored as the old portal made it. */
    public static boolean unwrapped(String stored) {
        return LegacyHash.parse(stored).isPresent();
    }

    /**
     * A hash of the class with a random salt and digest, wrapped with {@code outerMemoryKib} (ignored
     * for an Argon2 class), for timing: never a member's.
     */
    String sample(String costClass, int outerMemoryKib) {
        if (costClass.startsWith("argon2")) {
            Matcher m = Pattern.compile("argon2(id|i|d),m=(\\d+),t=(\\d+),p=(\\d+)").matcher(costClass);
            if (!m.matches()) {
                throw new IllegalArgumentException("Unknown cost class");
            }
            return Argon2Function.getInstance(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    HASH_BYTES, Argon2.valueOf(m.group(1).toUpperCase(Locale.ROOT)), Argon2Function.ARGON2_VERSION_13)
                    .hash(bytes("sample-" + RANDOM.nextLong()), salt()).getResult();
        }
        LegacyHash sample = LegacyHash.sample(costClass);
        return WRAPPED + sample.spec() + outer(outerMemoryKib).hash(new byte[0], salt()).getResult();
    }

    private Argon2Function outer(int memoryKib) {
        return Argon2Function.getInstance(Math.max(memoryKib, 8 * parameters.parallelism()), parameters.iterations(), parameters.parallelism(),
                HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
    }

    private void waitForFloor(long start) {
        long deadline = start + floorNanos;
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
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

    /** True for the hash formats {@link #verify} understands: Argon2, bcrypt, PBKDF2, and legacy hashes wrapped in Argon2id. */
    public static boolean recognised(String stored) {
        if (stored == null) {
            return false;
        }
        Matcher wrapped = WRAPPED_FORM.matcher(stored);
        if (wrapped.matches()) {
            return LegacyHash.fromSpec(wrapped.group(1), "").isPresent() && ARGON2.matcher(wrapped.group(2)).matches()
                    && argon2WithinBounds(wrapped.group(2));
        }
        return (ARGON2.matcher(stored).matches() && argon2WithinBounds(stored)) || LegacyHash.parse(stored).isPresent();
    }

    private static byte[] bytes(String password) {
        return normalised(password).getBytes(StandardCharsets.UTF_8);
    }

    private static String normalised(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
