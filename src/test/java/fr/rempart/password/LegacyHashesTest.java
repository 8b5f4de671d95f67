package fr.rempart.password;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.MemberId;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The wrapping job and the floor, against the real schema (H2). */
class LegacyHashesTest {

    private static final String PASSWORD = "mot de passe du vieux portail";

    private TestDatabase db;
    private PasswordHasher hasher;
    private PasswordCredentials credentials;
    private LegacyHashes legacy;

    @BeforeEach
    void setUp() throws Exception {
        db = new TestDatabase();
        hasher = new PasswordHasher(new PasswordHasher.Argon2Parameters(4096, 1, 1));
        credentials = new PasswordCredentials(db.jdbc, hasher, java.time.Clock.systemUTC());
        legacy = new LegacyHashes();
        legacy.clock = java.time.Clock.systemUTC();
        legacy.hasher = hasher;
        legacy.credentials = credentials;
        legacy.jdbc = db.jdbc;
        legacy.audit = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void importedHashesAreWrappedOnceStillVerifyAndLeaveWithTheNextSignIn() throws Exception {
        MemberId pbkdf2 = db.insertMember();
        MemberId bcrypt = db.insertMember();
        MemberId damaged = db.insertMember();
        MemberId own = db.insertMember();
        String pbkdf2Hash = pbkdf2(20_000);
        String bcryptHash = BcryptFunction.getInstance(Bcrypt.B, 6).hash(PASSWORD).getResult();
        db.jdbc.transaction(c -> {
            credentials.storeIfAbsent(c, Map.of(pbkdf2, pbkdf2Hash, bcrypt, bcryptHash, damaged, "$2b$10$tooshort", own, hasher.hash(PASSWORD)));
            return null;
        });

        LegacyHashes.Slice slice = legacy.wrapSlice(Duration.ofSeconds(30));

        assertThat(slice.more()).isFalse();
        assertThat(slice.wrapped()).isEqualTo(2);
        for (MemberId member : new MemberId[]{pbkdf2, bcrypt}) {
            String stored = credentials.hashOf(member).orElseThrow();
            assertThat(stored).startsWith(PasswordHasher.WRAPPED);
            assertThat(hasher.verify(PASSWORD, stored)).isEqualTo(PasswordHasher.Verdict.MATCH_NEEDS_REHASH);
            assertThat(hasher.verify("autre chose", stored)).isEqualTo(PasswordHasher.Verdict.MISMATCH);
        }
        // The damaged hash leaves the work list as it was (it verifies as a mismatch); Rempart's own is untouched.
        assertThat(credentials.hashOf(damaged)).contains("$2b$10$tooshort");
        assertThat(credentials.unwrapped(null, 10)).isEmpty();
        assertThat(credentials.costClasses()).containsExactlyInAnyOrder("pbkdf2-sha256,i=20000,l=32", "bcrypt,c=06");
        // Each class's outer memory is decided once, within bounds, and reused.
        int outer = legacy.outerMemory("pbkdf2-sha256,i=20000,l=32");
        assertThat(outer).isBetween(LegacyHashes.MIN_OUTER_MEMORY_KIB, 4096);
        assertThat(credentials.hashOf(pbkdf2).orElseThrow()).contains("$argon2id$v=19$m=" + outer + ",t=1,p=1$");
        assertThat(legacy.wrapSlice(Duration.ofSeconds(30)).wrapped()).isZero();

        // The next sign-in replaces each by Rempart's own hash, and the cost classes go with them.
        for (MemberId member : new MemberId[]{pbkdf2, bcrypt}) {
            String stored = credentials.hashOf(member).orElseThrow();
            assertThat(credentials.upgrade(member, stored, hasher.hash(PASSWORD))).isTrue();
        }
        assertThat(credentials.costClasses()).isEmpty();
    }

    @Test
    void theFloorIsTheDearestStoredHashWhileAnyRemainsAndZeroAfter() throws Exception {
        assertThat(legacy.measureFloor()).isZero();
        assertThat(hasher.floor()).isZero();

        MemberId member = db.insertMember();
        // Dearer on its own than this hasher's Argon2id: wrapping cannot make it cheaper, the floor covers it.
        String dear = pbkdf2(200_000);
        db.jdbc.transaction(c -> {
            credentials.storeIfAbsent(c, Map.of(member, dear));
            return null;
        });
        legacy.wrapSlice(Duration.ofSeconds(30));
        assertThat(legacy.outerMemory("pbkdf2-sha256,i=200000,l=32")).isEqualTo(LegacyHashes.MIN_OUTER_MEMORY_KIB);

        Duration floor = legacy.measureFloor();
        assertThat(floor).isPositive().isLessThanOrEqualTo(LegacyHashes.MAX_FLOOR);
        assertThat(hasher.floor()).isEqualTo(floor);

        credentials.store(member, hasher.hash(PASSWORD));
        assertThat(legacy.measureFloor()).isZero();
        assertThat(hasher.floor()).isZero();
    }

    private static String pbkdf2(int iterations) throws Exception {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, iterations, 256)).getEncoded();
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$pbkdf2-sha256$i=" + iterations + ",l=32$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }
}
