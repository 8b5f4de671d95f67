package fr.rempart.password.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PwnedStoreTest {

    @TempDir
    Path dir;

    private static byte[] sha1(String s) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private Path importText(String text) throws IOException {
        Path store = dir.resolve("store.bin");
        try (PwnedImport importer = new PwnedImport(store)) {
            importer.addHibpFile(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            importer.finish();
        }
        return store;
    }

    @Test
    void anUnsortedCrlfFileWithDuplicatesImportsAndLooksUpExactly() throws Exception {
        String text = "7C4A8D09CA3762AF61E59520943DC26494F8941B:24230577\r\n"   // 123456
                + "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:9545824\r\n"       // password, lower case
                + "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365\n"        // the same, higher count
                + "\r\n";
        try (PwnedStore store = PwnedStore.open(importText(text))) {
            assertThat(store.size()).isEqualTo(2);
            assertThat(store.occurrences(sha1("password"))).isEqualTo(9659365);
            assertThat(store.occurrences(sha1("123456"))).isEqualTo(24230577);
            assertThat(store.occurrences(sha1("passwore"))).isZero();
            List<String> range = new ArrayList<>();
            store.range(0x5BAA6, (suffix, count) -> range.add(suffix + ":" + count));
            assertThat(range).containsExactly("1E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365");
        }
    }

    @Test
    void thousandsOfRandomHashesAreAllFoundAndOthersNot() throws Exception {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        List<byte[]> present = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] h = new byte[20];
            random.nextBytes(h);
            present.add(h);
            text.append(HexFormat.of().withUpperCase().formatHex(h)).append(':').append(i + 1).append('\n');
        }
        try (PwnedStore store = PwnedStore.open(importText(text.toString()))) {
            for (int i = 0; i < present.size(); i++) {
                assertThat(store.occurrences(present.get(i))).isEqualTo(i + 1);
            }
            for (int i = 0; i < 1000; i++) {
                byte[] h = new byte[20];
                random.nextBytes(h);
                assertThat(store.occurrences(h)).isZero();
            }
        }
    }

    @Test
    void aMalformedLineStopsTheImportWithItsNumberAndLeavesTheStoreInPlace() throws Exception {
        Path store = importText("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n");
        byte[] before = Files.readAllBytes(store);
        for (String bad : List.of("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\nnot a line\n", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD:1\n",
                "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDZ:1\n", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:\n")) {
            assertThatThrownBy(() -> importText(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line");
            assertThat(Files.readAllBytes(store)).isEqualTo(before);
        }
        assertThatThrownBy(() -> importText("8846F7EAEE8FB117AD06BDD830B7586C:10\n")).hasMessageContaining("NTLM");
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedOnOpening() throws Exception {
        Path store = importText("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n7C4A8D09CA3762AF61E59520943DC26494F8941B:2\n");
        try (FileChannel channel = FileChannel.open(store, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(store) - 5);
        }
        assertThatThrownBy(() -> PwnedStore.open(store)).isInstanceOf(PwnedStore.CorruptCorpusException.class).hasMessageContaining("truncated");
        Path foreign = dir.resolve("foreign.bin");
        Files.write(foreign, new byte[9_000_000]);
        assertThatThrownBy(() -> PwnedStore.open(foreign)).isInstanceOf(PwnedStore.CorruptCorpusException.class).hasMessageContaining("magic");
    }
}
