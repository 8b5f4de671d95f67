package fr.rempart.member;

import fr.rempart.platform.crypto.Aead;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NirProtectorTest {

    private static final Nir NIR = Nir.parse("284058832102532");

    @Test
    void theSealedNirOpensOnlyForItsOwnMember() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            NirProtector nirs = new NirProtector(db.keys);
            MemberId owner = MemberId.random();
            byte[] sealed = nirs.seal(owner, NIR);
            assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("284058832102532");
            assertThat(nirs.open(owner, sealed)).isEqualTo(NIR);
            assertThatThrownBy(() -> nirs.open(MemberId.random(), sealed)).isInstanceOf(Aead.CryptoException.class);
            sealed[sealed.length - 1] ^= 1;
            assertThatThrownBy(() -> nirs.open(owner, sealed)).isInstanceOf(Aead.CryptoException.class);
        }
    }

    @Test
    void theBlindIndexIsStableAcrossRestartsAndSecretWithoutTheKeys() throws Exception {
        Path dir = Files.createTempDirectory("rempart-db");
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String index;
        try (TestDatabase db = new TestDatabase(dir, key)) {
            index = new NirProtector(db.keys).index(NIR);
            assertThat(index).hasSize(64).doesNotContain("284058832102532");
            assertThat(new NirProtector(db.keys).index(Nir.parse("2 84 05 88 321 025 32"))).isEqualTo(index);
        }
        try (TestDatabase restarted = new TestDatabase(dir, key)) {
            assertThat(new NirProtector(restarted.keys).index(NIR)).isEqualTo(index);
        }
        try (TestDatabase other = new TestDatabase()) {
            assertThat(new NirProtector(other.keys).index(NIR)).isNotEqualTo(index);
        }
    }

    @Test
    void aWrongMasterKeyCannotOpenTheDataKeys() throws Exception {
        Path dir = Files.createTempDirectory("rempart-db");
        new TestDatabase(dir, Base64.getEncoder().encodeToString(new byte[32])).close();
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> new TestDatabase(dir, Base64.getEncoder().encodeToString(other))).isInstanceOf(Aead.CryptoException.class);
    }
}
