package fr.rempart.totp;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;

/**
 * RFC 6238 codes for one parameter set. The library's verifier does not say which time step matched,
 * and replay protection needs exactly that, so the steps are tried here: the current one and one
 * either side, every candidate compared in constant time.
 */
public final class TotpCodes {

    private final DefaultCodeGenerator generator;
    private final int digits;
    private final int period;

    public TotpCodes(String algorithm, int digits, int period) {
        this.generator = new DefaultCodeGenerator(HashingAlgorithm.valueOf(algorithm), digits);
        this.digits = digits;
        this.period = period;
    }

    public long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, period);
    }

    public String code(String base32Secret, long step) {
        try {
            return generator.generate(base32Secret, step);
        } catch (CodeGenerationException e) {
            throw new IllegalStateException("Cannot compute a TOTP code", e);
        }
    }

    /** The time step (now ±1) whose code this is, or empty. All three candidates are always compared. */
    public OptionalLong matchingStep(String base32Secret, String code, long epochSeconds) {
        if (code == null || code.length() != digits) {
            return OptionalLong.empty();
        }
        byte[] typed = code.getBytes(StandardCharsets.US_ASCII);
        long now = step(epochSeconds);
        long matched = Long.MIN_VALUE;
        for (long s = now - 1; s <= now + 1; s++) {
            if (MessageDigest.isEqual(code(base32Secret, s).getBytes(StandardCharsets.US_ASCII), typed)) {
                matched = Math.max(matched, s);
            }
        }
        return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    public int digits() {
        return digits;
    }

    public int period() {
        return period;
    }
}
