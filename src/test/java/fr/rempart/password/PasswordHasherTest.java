package fr.rempart.password;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import fr.rempart.password.PasswordHasher.Argon2Parameters;
import fr.rempart.password.PasswordHasher.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    /** The production parameters (OWASP: m=19 MiB, t=2, p=1). */
    private static final PasswordHasher OWASP = new PasswordHasher(new Argon2Parameters(19456, 2, 1));
    /** Cheap parameters, for the tests that are not about the parameters. */
    private static final PasswordHasher FAST = new PasswordHasher(new Argon2Parameters(1024, 1, 1));

    private static final String PASSWORD = "correct horse battery staple";
    /** 16 bytes whose base64 has '+' and '/', to exercise passlib's adapted alphabet. */
    private static final byte[] SALT = {(byte) 0xfb, (byte) 0xef, (byte) 0xbe, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @Test
    void hashIsAnArgon2idPhcStringWithTheConfiguredParameters() {
        String hash = OWASP.hash(PASSWORD);
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$")
                // 16-byte salt and 32-byte hash, unpadded base64
                .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(PasswordHasher.recognised(hash)).isTrue();
        assertThat(OWASP.parameters()).isEqualTo(new Argon2Parameters(19456, 2, 1));
    }

    @Test
    void sameParametersVerifyAsMatch() {
        assertThat(OWASP.verify(PASSWORD, OWASP.hash(PASSWORD))).isEqualTo(Verdict.MATCH);
        assertThat(FAST.verify(PASSWORD, FAST.hash(PASSWORD))).isEqualTo(Verdict.MATCH);
    }

    @Test
    void eachHashHasItsOwnSalt() {
        String first = FAST.hash(PASSWORD);
        String second = FAST.hash(PASSWORD);
        assertThat(first).isNotEqualTo(second);
        assertThat(FAST.verify(PASSWORD, first)).isEqualTo(Verdict.MATCH);
        assertThat(FAST.verify(PASSWORD, second)).isEqualTo(Verdict.MATCH);
    }

    @Test
    void wrongPasswordIsMismatch() {
        String hash = FAST.hash(PASSWORD);
        assertThat(FAST.verify("correct horse battery stapler", hash)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify("", hash)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify(PASSWORD.toUpperCase(), hash)).isEqualTo(Verdict.MISMATCH);
        assertThat(Verdict.MISMATCH.matches()).isFalse();
    }

    @Test
    void hashMadeWithOtherParametersMatchesButNeedsRehash() {
        String old = FAST.hash(PASSWORD);
        assertThat(OWASP.verify(PASSWORD, old)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(OWASP.verify("wrong", old)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify(PASSWORD, OWASP.hash(PASSWORD))).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(Verdict.MATCH_NEEDS_REHASH.matches()).isTrue();
    }

    @Test
    void compatibilityFormsOfThePasswordVerifyAfterNfkc() {
        String ligature = FAST.hash("\ufb01ligrane secret"); // "ﬁ" ligature
        assertThat(FAST.verify("filigrane secret", ligature)).isEqualTo(Verdict.MATCH);

        String plain = FAST.hash("filigrane secret");
        assertThat(FAST.verify("\ufb01ligrane secret", plain)).isEqualTo(Verdict.MATCH);
    }

    @Test
    void decomposedAccentsVerifyAgainstComposedOnes() {
        String composed = FAST.hash("caf\u00e9 cr\u00e8me");
        assertThat(FAST.verify("cafe\u0301 cre\u0300me", composed)).isEqualTo(Verdict.MATCH);
        assertThat(FAST.verify("cafe creme", composed)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void longPasswordIsHashedWhole() {
        String thousand = "x".repeat(999) + "a";
        String hash = FAST.hash(thousand);
        assertThat(FAST.verify(thousand, hash)).isEqualTo(Verdict.MATCH);
        assertThat(FAST.verify("x".repeat(999) + "b", hash)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify("x".repeat(999), hash)).isEqualTo(Verdict.MISMATCH);
        // beyond bcrypt's 72 bytes too
        assertThat(FAST.verify("x".repeat(72), hash)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void legacyBcryptMatchesAndNeedsRehash() {
        String bcrypt = BcryptFunction.getInstance(Bcrypt.B, 10).hash("pw").getResult();
        assertThat(PasswordHasher.recognised(bcrypt)).isTrue();
        assertThat(FAST.verify("pw", bcrypt)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("pW", bcrypt)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void legacyBcryptOnlyReadsTheFirst72BytesUntilTheUpgrade() {
        // Inherent to bcrypt (documented in PasswordHasher): the Argon2id re-hash then covers the whole password.
        String bcrypt = BcryptFunction.getInstance(Bcrypt.B, 4).hash("y".repeat(72)).getResult();
        assertThat(FAST.verify("y".repeat(72), bcrypt)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("y".repeat(72) + "anything", bcrypt)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("y".repeat(71), bcrypt)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void openBsdBcryptVectorMatchesAndNeedsRehash() {
        // OpenBSD / John the Ripper test vector: "U*U", cost 5.
        String vector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        assertThat(PasswordHasher.recognised(vector)).isTrue();
        assertThat(FAST.verify("U*U", vector)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("U*U*", vector)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void passlibPbkdf2MatchesAndNeedsRehash() {
        String stored = "$pbkdf2-sha256$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA256", PASSWORD, SALT, 1000, 32));
        assertThat(stored).contains(".");
        assertThat(PasswordHasher.recognised(stored)).isTrue();
        assertThat(FAST.verify(PASSWORD, stored)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("wrong", stored)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void passlibPbkdf2WithOtherDigestsMatches() {
        String sha512 = "$pbkdf2-sha512$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA512", PASSWORD, SALT, 1000, 64));
        String sha1 = "$pbkdf2$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA1", PASSWORD, SALT, 1000, 20));
        assertThat(FAST.verify(PASSWORD, sha512)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify(PASSWORD, sha1)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("wrong", sha512)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify("wrong", sha1)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void phcPbkdf2MatchesAndNeedsRehash() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String stored = "$pbkdf2-sha256$i=1000,l=32$" + b64.encodeToString(SALT) + "$" + b64.encodeToString(pbkdf2("SHA256", PASSWORD, SALT, 1000, 32));
        assertThat(PasswordHasher.recognised(stored)).isTrue();
        assertThat(FAST.verify(PASSWORD, stored)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("wrong", stored)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void djangoPbkdf2MatchesAndNeedsRehash() {
        String salt = "seasalt2024";
        byte[] hash = pbkdf2("SHA256", PASSWORD, salt.getBytes(StandardCharsets.UTF_8), 1000, 32);
        String stored = "pbkdf2_sha256$1000$" + salt + "$" + Base64.getEncoder().encodeToString(hash);
        assertThat(stored).endsWith("=");
        assertThat(PasswordHasher.recognised(stored)).isTrue();
        assertThat(FAST.verify(PASSWORD, stored)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify("wrong", stored)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void pbkdf2WithADifferentIterationCountIsMismatch() {
        String stored = "pbkdf2_sha256$1001$salt$" + Base64.getEncoder().encodeToString(pbkdf2("SHA256", PASSWORD, "salt".getBytes(StandardCharsets.UTF_8), 1000, 32));
        assertThat(FAST.verify(PASSWORD, stored)).isEqualTo(Verdict.MISMATCH);
    }

    @ParameterizedTest(name = "\"{0}\" is recognised")
    @ValueSource(strings = {
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI",
            "$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2y$10$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$pbkdf2-sha256$29000$N2bsPaeUcm4NgbCWUmqNEQ$wbmAUZIVK.xnDU7sJGsNzq.Ma06u8JRNrSRzkH0Uoa0",
            "$pbkdf2-sha256$i=600000,l=32$c2FsdHNhbHQ$aGFzaGhhc2g",
            "pbkdf2_sha256$600000$salt$aGFzaA==",
            "pbkdf2_sha1$260000$salt$aGFzaA==",
    })
    void supportedHashFormatsAreRecognised(String stored) {
        assertThat(PasswordHasher.recognised(stored)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" is not recognised")
    @NullAndEmptySource
    @ValueSource(strings = {
            "correct horse battery staple",
            "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0",                      // md5crypt
            "$5$rounds=5000$salt$hash",                                 // sha256crypt
            "$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g.", // sha512crypt
            "sha1$salt$5f4dcc3b5aa765d61d8327deb882cf99",              // Django sha1
            "5f4dcc3b5aa765d61d8327deb882cf99",                         // bare MD5
            "$2a$10$tooShort",
            "$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA",
    })
    void otherStringsAreNotRecognised(String stored) {
        assertThat(PasswordHasher.recognised(stored)).isFalse();
    }

    @Test
    void nullPasswordOrHashIsMismatch() {
        String hash = FAST.hash(PASSWORD);
        assertThat(FAST.verify(null, hash)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify(PASSWORD, null)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify(null, null)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void unknownHashFormatIsMismatch() {
        assertThat(FAST.verify(PASSWORD, PASSWORD)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify("pw", "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0")).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void verifyNothingAcceptsAnyPassword() {
        assertThatCode(() -> FAST.verifyNothing(null)).doesNotThrowAnyException();
        assertThatCode(() -> FAST.verifyNothing(PASSWORD)).doesNotThrowAnyException();
    }

    @Test
    void argon2ParametersBelowTheMinimumAreRefused() {
        assertThatThrownBy(() -> new Argon2Parameters(7, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Argon2Parameters(1024, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Argon2Parameters(1024, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Argon2Parameters(15, 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Hashes in a legacy shape whose parts cannot be decoded: an import refuses them
     * ({@code @ValidPasswordHash}), and signing in against one already stored is a plain MISMATCH, not an exception.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "$pbkdf2-sha256$1000$A$A",                                  // one-character base64 segments
            "$pbkdf2-sha256$i=1000$AAAA$A",
            "pbkdf2_sha256$1000$salt$A",
            "$pbkdf2-sha256$99999999999$AAAA$AAAA",                     // iteration count beyond int
    })
    void corruptLegacyHashesAreRefusedAndVerifyAsMismatchInsteadOfThrowing(String stored) {
        assertThat(PasswordHasher.recognised(stored)).isFalse();
        assertThat(FAST.verify("pw", stored)).isEqualTo(Verdict.MISMATCH);
    }

    /** Argon2 parameters out of bounds (zero, or memory a sign-in must never allocate) are neither imported nor verified. */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$argon2id$v=19$m=19456,t=2,p=64$c2FsdHNhbHQ$aGFzaGhhc2g",
    })
    void argon2HashesWithParametersOutOfBoundsAreRefused(String stored) {
        assertThat(PasswordHasher.recognised(stored)).isFalse();
        assertThat(FAST.verify("pw", stored)).isEqualTo(Verdict.MISMATCH);
    }

    /** Every legacy form the old portals wrote, for {@link #PASSWORD}. */
    private static java.util.stream.Stream<String> legacyForms() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return java.util.stream.Stream.of(
                BcryptFunction.getInstance(Bcrypt.B, 4).hash(PASSWORD).getResult(),
                "$2y$" + BcryptFunction.getInstance(Bcrypt.B, 4).hash(PASSWORD).getResult().substring(4),
                "$pbkdf2-sha256$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA256", PASSWORD, SALT, 1000, 32)),
                "$pbkdf2$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA1", PASSWORD, SALT, 1000, 20)),
                "$pbkdf2-sha512$i=1000,l=64$" + b64.encodeToString(SALT) + "$" + b64.encodeToString(pbkdf2("SHA512", PASSWORD, SALT, 1000, 64)),
                "pbkdf2_sha256$1000$seasalt2024$" + Base64.getEncoder().encodeToString(
                        pbkdf2("SHA256", PASSWORD, "seasalt2024".getBytes(StandardCharsets.UTF_8), 1000, 32)));
    }

    @ParameterizedTest(name = "{0} wrapped")
    @org.junit.jupiter.params.provider.MethodSource("legacyForms")
    void aWrappedLegacyHashStillVerifiesButNoLongerShowsTheOldDigest(String legacy) {
        String wrapped = FAST.wrap(legacy, 2048).orElseThrow();
        assertThat(wrapped).startsWith("$rempart-wrapped$v=1$").contains("$argon2id$v=19$m=2048,t=1,p=1$");
        // What a stolen table shows of the old digest: nothing.
        String digest = legacy.startsWith("$2") ? legacy.substring(29) : legacy.substring(legacy.lastIndexOf('$') + 1);
        assertThat(wrapped).doesNotContain(digest.substring(0, 16));
        assertThat(PasswordHasher.recognised(wrapped)).isTrue();
        assertThat(PasswordHasher.unwrapped(legacy)).isTrue();
        assertThat(PasswordHasher.unwrapped(wrapped)).isFalse();
        assertThat(FAST.verify(PASSWORD, wrapped)).isEqualTo(Verdict.MATCH_NEEDS_REHASH);
        assertThat(FAST.verify(PASSWORD + "!", wrapped)).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify("", wrapped)).isEqualTo(Verdict.MISMATCH);
        // Raw and wrapped hashes of one algorithm and cost are one cost class.
        assertThat(FAST.costClass(wrapped)).isEqualTo(FAST.costClass(legacy)).isPresent();
    }

    @Test
    void costClassesNameTheAlgorithmAndCostButNoSalt() {
        String bcrypt = BcryptFunction.getInstance(Bcrypt.B, 5).hash(PASSWORD).getResult();
        assertThat(FAST.costClass(bcrypt)).contains("bcrypt,c=05");
        assertThat(FAST.costClass("$2y$" + bcrypt.substring(4))).contains("bcrypt,c=05");
        assertThat(FAST.costClass("$pbkdf2-sha256$600000$" + adaptedBase64(SALT) + "$" + adaptedBase64(new byte[32])))
                .contains("pbkdf2-sha256,i=600000,l=32");
        // Argon2 hashes: this hasher's own have none, others are named by their parameters.
        assertThat(FAST.costClass(FAST.hash(PASSWORD))).isEmpty();
        assertThat(FAST.costClass(OWASP.hash(PASSWORD))).contains("argon2id,m=19456,t=2,p=1");
        assertThat(FAST.costClass("not a hash")).isEmpty();
        assertThat(FAST.wrap(FAST.hash(PASSWORD), 2048)).isEmpty();
    }

    @Test
    void aWrappedHashWhoseLegacyPartWasTamperedWithIsAMismatch() {
        String legacy = "$pbkdf2-sha256$1000$" + adaptedBase64(SALT) + "$" + adaptedBase64(pbkdf2("SHA256", PASSWORD, SALT, 1000, 32));
        String wrapped = FAST.wrap(legacy, 2048).orElseThrow();
        assertThat(FAST.verify(PASSWORD, wrapped.replace("i=1000", "i=1001"))).isEqualTo(Verdict.MISMATCH);
        assertThat(FAST.verify(PASSWORD, wrapped.replace("i=1000", "i=99999999"))).isEqualTo(Verdict.MISMATCH);
        assertThat(PasswordHasher.recognised(wrapped.replace("$argon2id$v=19$m=2048", "$argon2id$v=19$m=99999999"))).isFalse();
        assertThat(FAST.verify(PASSWORD, wrapped.replace("$argon2id$v=19$m=2048", "$argon2id$v=19$m=99999999"))).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void withAFloorEveryVerificationLastsAtLeastThatLongWhateverTheAnswer() {
        PasswordHasher hasher = new PasswordHasher(new Argon2Parameters(1024, 1, 1));
        hasher.floor(java.time.Duration.ofMillis(150));
        String own = hasher.hash(PASSWORD);
        for (Runnable verification : java.util.List.<Runnable>of(() -> hasher.verify(PASSWORD, own), () -> hasher.verify("wrong", own),
                () -> hasher.verifyNothing(PASSWORD), () -> hasher.verify(PASSWORD, "damaged"))) {
            long start = System.nanoTime();
            verification.run();
            // A lower bound only: the floor is a wait, never a race the machine's load could lose.
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(150_000_000L);
        }
        hasher.floor(java.time.Duration.ZERO);
        assertThat(hasher.floor()).isZero();
    }

    private static byte[] pbkdf2(String digest, String password, byte[] salt, int iterations, int bytes) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmac" + digest)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8)).getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** passlib's ab64: standard base64 without padding, '.' instead of '+'. */
    private static String adaptedBase64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '.');
    }
}
