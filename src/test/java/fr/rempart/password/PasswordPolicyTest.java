package fr.rempart.password;

import fr.rempart.password.PasswordPolicy.Violation;
import fr.rempart.platform.config.MapConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy(MapConfig.settings());

    @Test
    void defaultsAre15To128() {
        assertThat(policy.minLength()).isEqualTo(15);
        assertThat(policy.maxLength()).isEqualTo(128);
    }

    @Test
    void limitsComeFromConfiguration() {
        PasswordPolicy configured = new PasswordPolicy(MapConfig.settings(
                "rempart.password.min-length", "12", "rempart.password.max-length", "64"));
        assertThat(configured.minLength()).isEqualTo(12);
        assertThat(configured.maxLength()).isEqualTo(64);
        assertThat(configured.check("a".repeat(12))).isEmpty();
        assertThat(configured.check("a".repeat(11))).containsExactly(new Violation("too-short", 12));
        assertThat(configured.check("a".repeat(65))).containsExactly(new Violation("too-long", 64));
    }

    @Test
    void passwordBetweenTheLimitsIsAccepted() {
        assertThat(policy.check("a".repeat(15))).isEmpty();
        assertThat(policy.check("correct horse battery staple")).isEmpty();
        assertThat(policy.check("a".repeat(128))).isEmpty();
    }

    @Test
    void fourteenCharactersAreTooShort() {
        assertThat(policy.check("a".repeat(14))).containsExactly(new Violation("too-short", 15));
    }

    @Test
    void oneHundredTwentyNineCharactersAreTooLongNotTruncated() {
        assertThat(policy.check("a".repeat(129))).containsExactly(new Violation("too-long", 128));
    }

    @Test
    void emojiCountAsOneCharacterEach() {
        String grin = "\uD83D\uDE00"; // 😀, two UTF-16 units, one code point
        assertThat(policy.check(grin.repeat(15))).isEmpty();
        assertThat(policy.check(grin.repeat(14))).containsExactly(new Violation("too-short", 15));
        assertThat(policy.check(grin.repeat(128))).isEmpty();
        assertThat(policy.check(grin.repeat(129))).containsExactly(new Violation("too-long", 128));
    }

    @Test
    void lengthIsCountedAfterNfkc() {
        // "ﬃ" (one code point) becomes "ffi" (three) under NFKC: 5 of them make 15.
        assertThat(policy.check("\ufb03".repeat(5))).isEmpty();
        assertThat(policy.check("\ufb03".repeat(43))).containsExactly(new Violation("too-long", 128)); // 129 after NFKC
        // a decomposed "é" (two code points) composes to one
        assertThat(policy.check("e\u0301".repeat(14))).containsExactly(new Violation("too-short", 15));
    }

    @Test
    void blankPasswordIsRefused() {
        assertThat(policy.check(" ".repeat(20))).containsExactly(new Violation("blank", 0));
        assertThat(policy.check("\t".repeat(20))).contains(new Violation("blank", 0));
        // NFKC turns no-break spaces into plain spaces
        assertThat(policy.check("\u00a0".repeat(20))).containsExactly(new Violation("blank", 0));
        assertThat(policy.check(" ".repeat(5))).containsExactlyInAnyOrder(new Violation("too-short", 15), new Violation("blank", 0));
    }

    @Test
    void spacesInsideAPasswordAreFine() {
        assertThat(policy.check("   correct horse   ")).isEmpty();
    }

    @Test
    void emptyOrMissingPasswordIsTooShort() {
        assertThat(policy.check("")).containsExactly(new Violation("too-short", 15));
        assertThat(policy.check(null)).containsExactly(new Violation("too-short", 15));
    }
}
