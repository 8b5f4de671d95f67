package fr.rempart.member;

import fr.rempart.platform.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;

/**
 * The NIR at rest: AES-GCM sealed under the NIR data key, bound to the member's id (so a ciphertext
 * cannot be moved to another row), plus a keyed blind index (HMAC-SHA256) for exact lookup.
 */
@ApplicationScoped
public class NirProtector {

    private KeyRing keys;

    protected NirProtector() {
    }

    @Inject
    public NirProtector(KeyRing keys) {
        this.keys = keys;
    }

    public byte[] seal(MemberId member, Nir nir) {
        return keys.seal(KeyRing.Purpose.NIR, nir.value().getBytes(StandardCharsets.US_ASCII), context(member));
    }

    public Nir open(MemberId member, byte[] sealed) {
        return Nir.parse(new String(keys.open(sealed, context(member)), StandardCharsets.US_ASCII));
    }

    public String index(Nir nir) {
        return keys.macHex(KeyRing.Purpose.NIR_INDEX, nir.value());
    }

    private static byte[] context(MemberId member) {
        return ("member-nir:" + member.value()).getBytes(StandardCharsets.US_ASCII);
    }
}
