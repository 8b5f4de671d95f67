package fr.rempart.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Is {@link Es256} (Bouncy Castle's P-256, one precomputed curve) still worth its risk over the JDK's
 * own ECDSA through nimbus (SunEC)? Signs and verifies a token-sized input with both, in alternated
 * rounds of {@code bench.seconds} (2) each after a warm-up, single thread; prints the median rate of
 * each and the ratio. Plain main (not a test): docs/performance.md, "ES256 on the JDK in use".
 */
public final class Es256Bench {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 2);
        int rounds = Integer.getInteger("bench.rounds", 7);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build();
        byte[] input = ("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ." + "x".repeat(400)).getBytes(StandardCharsets.US_ASCII);
        JWSSigner bc = Es256.signer(key);
        JWSSigner jdk = new ECDSASigner(key);
        JWSVerifier bcVerify = Es256.verifiers().createJWSVerifier(header, key.toECPublicKey());
        JWSVerifier jdkVerify = new ECDSAVerifier(key.toECPublicKey());
        Base64URL signature = jdk.sign(header, input);
        if (!bcVerify.verify(header, input, signature) || !jdkVerify.verify(header, input, bc.sign(header, input))) {
            throw new IllegalStateException("the two implementations disagree");
        }
        System.out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + Runtime.getRuntime().availableProcessors() + " cores");
        List<Double> bcSign = new ArrayList<>(), jdkSign = new ArrayList<>(), bcVer = new ArrayList<>(), jdkVer = new ArrayList<>();
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            double a = rate(seconds, () -> bc.sign(header, input));
            double b = rate(seconds, () -> jdk.sign(header, input));
            double c = rate(seconds, () -> bcVerify.verify(header, input, signature));
            double d = rate(seconds, () -> jdkVerify.verify(header, input, signature));
            if (round >= 0) {
                bcSign.add(a);
                jdkSign.add(b);
                bcVer.add(c);
                jdkVer.add(d);
            }
        }
        System.out.printf("sign/s    Es256 (Bouncy Castle) %8.0f   JDK %8.0f   ratio %.2f%n", median(bcSign), median(jdkSign), median(bcSign) / median(jdkSign));
        System.out.printf("verify/s  Es256 (Bouncy Castle) %8.0f   JDK %8.0f   ratio %.2f%n", median(bcVer), median(jdkVer), median(bcVer) / median(jdkVer));
    }

    interface Work {
        Object run() throws Exception;
    }

    private static double rate(int seconds, Work work) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < end) {
            work.run();
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
