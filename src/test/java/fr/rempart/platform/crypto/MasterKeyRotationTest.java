package fr.rempart.platform.crypto;

import fr.rempart.member.MemberId;
import fr.rempart.member.Nir;
import fr.rempart.member.NirProtector;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterKeyRotationTest {

    @Test
    void rotationRewrapsTheDataKeysSoTheNewKeyOpensEverythingAndTheOldOneNothing() throws Exception {
        Path dir = Files.createTempDirectory("rempart-db");
        String oldKey = Base64.getEncoder().encodeToString(new byte[32]);
        byte[] raw = new byte[32];
        raw[31] = 7;
        String newKey = Base64.getEncoder().encodeToString(raw);
        MemberId member = MemberId.random();
        Nir nir = Nir.parse("284058832102532");
        byte[] sealed;
        String index;
        try (TestDatabase db = new TestDatabase(dir, oldKey)) {
            NirProtector nirs = new NirProtector(db.keys);
            sealed = nirs.seal(member, nir);
            index = nirs.index(nir);
            assertThat(db.keys.rewrap(newKey)).isEqualTo(KeyRing.Purpose.values().length);
            // This node goes on with the data keys it holds.
            assertThat(nirs.open(member, sealed)).isEqualTo(nir);
        }
        try (TestDatabase restarted = new TestDatabase(dir, newKey)) {
            NirProtector nirs = new NirProtector(restarted.keys);
            assertThat(nirs.open(member, sealed)).isEqualTo(nir);
            assertThat(nirs.index(nir)).isEqualTo(index);
        }
        assertThatThrownBy(() -> new TestDatabase(dir, oldKey)).isInstanceOf(Aead.CryptoException.class);
    }
}
