package fr.rempart.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

import java.math.BigInteger;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ES256 (RFC 7518 §3.4) with Bouncy Castle's lightweight P-256 code, one curve instance for the
 * whole process. Through the JCA, each signature re-derived the curve and recomputed the
 * generator's precomputation table (40 % of a client-credentials grant's CPU); here it is computed
 * once. Nonces are deterministic (RFC 6979): no dependence on the random generator at signing time.
 */
final class Es256 {

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    private Es256() {
    }

    static JWSSigner signer(ECKey key) throws JOSEException {
        ECPrivateKeyParameters privateKey = new ECPrivateKeyParameters(key.toECPrivateKey().getS(), DOMAIN);
        return new JWSSigner() {
            @Override
            public Base64URL sign(JWSHeader header, byte[] signingInput) {
                ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
                ecdsa.init(true, privateKey);
                BigInteger[] rs = ecdsa.generateSignature(sha256(signingInput));
                byte[] signature = new byte[64];
                copy(rs[0], signature, 0);
                copy(rs[1], signature, 32);
                return Base64URL.encode(signature);
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return Set.of(JWSAlgorithm.ES256);
            }

            @Override
            public JCAContext getJCAContext() {
                return new JCAContext();
            }
        };
    }

    /** Verifiers for our tokens: ES256 here, anything else (RS256) from nimbus's default factory. */
    static JWSVerifierFactory verifiers() {
        DefaultJWSVerifierFactory fallback = new DefaultJWSVerifierFactory();
        Map<ECPublicKey, ECPublicKeyParameters> points = new ConcurrentHashMap<>();
        return new JWSVerifierFactory() {
            @Override
            public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
                if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !(key instanceof ECPublicKey ec)) {
                    return fallback.createJWSVerifier(header, key);
                }
                if (points.size() > 100) {
                    points.clear();
                }
                ECPublicKeyParameters publicKey = points.computeIfAbsent(ec, k -> new ECPublicKeyParameters(
                        DOMAIN.getCurve().createPoint(k.getW().getAffineX(), k.getW().getAffineY()), DOMAIN));
                return verifier(publicKey);
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return fallback.supportedJWSAlgorithms();
            }

            @Override
            public JCAContext getJCAContext() {
                return fallback.getJCAContext();
            }
        };
    }

    private static JWSVerifier verifier(ECPublicKeyParameters publicKey) {
        return new JWSVerifier() {
            @Override
            public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
                byte[] raw = signature.decode();
                if (raw.length != 64 || !ES256.equals(header.getAlgorithm())) {
                    return false;
                }
                BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
                BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
                ECDSASigner ecdsa = new ECDSASigner();
                ecdsa.init(false, publicKey);
                return ecdsa.verifySignature(sha256(signingInput), r, s); // rejects r or s outside [1, n-1]
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return Set.of(JWSAlgorithm.ES256);
            }

            @Override
            public JCAContext getJCAContext() {
                return new JCAContext();
            }
        };
    }

    private static final JWSAlgorithm ES256 = JWSAlgorithm.ES256;

    private static byte[] sha256(byte[] input) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(input, 0, input.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** A big-endian unsigned integer in exactly 32 bytes (JWS signatures are fixed-length R || S). */
    private static void copy(BigInteger value, byte[] target, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, target, offset + 32 - length, length);
    }
}
