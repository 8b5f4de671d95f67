package fr.rempart.totp;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TotpCodesTest {

    /** RFC 6238 appendix B: the ASCII seeds, 20, 32 and 64 bytes for SHA-1, SHA-256, SHA-512. */
    private static String seed(String algorithm) {
        String base = switch (algorithm) {
            case "SHA1" -> "12345678901234567890";
            case "SHA256" -> "12345678901234567890123456789012";
            default -> "1234567890123456789012345678901234567890123456789012345678901234";
        };
        return new Base32().encodeToString(base.getBytes(StandardCharsets.US_ASCII)).replace("=", "");
    }

    @ParameterizedTest(name = "{1} at {0}")
    @CsvSource({
            "59, SHA1, 94287082", "59, SHA256, 46119246", "59, SHA512, 90693936",
            "1111111109, SHA1, 07081804", "1111111109, SHA256, 68084774", "1111111109, SHA512, 25091201",
            "1111111111, SHA1, 14050471", "1111111111, SHA256, 67062674", "1111111111, SHA512, 99943326",
            "1234567890, SHA1, 89005924", "1234567890, SHA256, 91819424", "1234567890, SHA512, 93441116",
            "2000000000, SHA1, 69279037", "2000000000, SHA256, 90698825", "2000000000, SHA512, 38618901",
            "20000000000, SHA1, 65353130", "20000000000, SHA256, 77737706", "20000000000, SHA512, 47863826"})
    void rfc6238AppendixBVectors(long time, String algorithm, String expected) {
        TotpCodes codes = new TotpCodes(algorithm, 8, 30);
        assertThat(codes.code(seed(algorithm), codes.step(time))).isEqualTo(expected);
        assertThat(codes.matchingStep(seed(algorithm), expected, time)).hasValue(codes.step(time));
    }

    @Test
    void oneStepEitherSideIsAcceptedTwoStepsIsNot() {
        TotpCodes codes = new TotpCodes("SHA1", 6, 30);
        String secret = seed("SHA1");
        long now = 1_800_000_000L;
        long step = codes.step(now);
        assertThat(codes.matchingStep(secret, codes.code(secret, step - 1), now)).hasValue(step - 1);
        assertThat(codes.matchingStep(secret, codes.code(secret, step + 1), now)).hasValue(step + 1);
        assertThat(codes.matchingStep(secret, codes.code(secret, step - 2), now)).isEmpty();
        assertThat(codes.matchingStep(secret, "12345", now)).isEmpty();
        assertThat(codes.matchingStep(secret, "1234567", now)).isEmpty();
    }

    @Test
    void typedCodesAreNormalised() {
        assertThat(TotpService.normalise(" 123 456 ")).isEqualTo("123456");
        assertThat(TotpService.normalise("abcde-fghjk")).isEqualTo("ABCDEFGHJK");
        assertThat(TotpService.normalise(null)).isEmpty();
    }

    @Test
    void codesMatchDebiansOathtool() throws Exception {
        String secret = seed("SHA1");
        long time = 1_234_567_890L;
        Process p = new ProcessBuilder("oathtool", "--totp", "-b", "--now", "@" + time, secret).redirectErrorStream(true).start();
        String oathtool = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor()).isZero();
        TotpCodes codes = new TotpCodes("SHA1", 6, 30);
        assertThat(codes.code(secret, codes.step(time))).isEqualTo(oathtool);
        Process sha256 = new ProcessBuilder("oathtool", "--totp=sha256", "-d", "8", "-b", "--now", "@" + time, seed("SHA256")).start();
        assertThat(new TotpCodes("SHA256", 8, 30).code(seed("SHA256"), time / 30))
                .isEqualTo(new String(sha256.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
    }
}
