package fr.rempart.bench;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The alternative of Keycloak's password blacklist: a Guava {@link BloomFilter} of the list (Keycloak
 * builds one at start-up from a text file, false-positive probability 0.0001 by default), compared
 * with Rempart's exact store. Prints the analytical sizes for several list sizes, then builds a
 * filter of the first {@code n} hashes of an HIBP file (random hashes, so a random subset), and
 * measures its build time (what Keycloak pays at each start), its memory, its false-positive rate
 * on {@code probes} random absent hashes, and its lookup latency.
 *
 * <p>{@code java … BloomFilterBench <hibp-file> <n> <fpp> <probes> <hashes in the whole file>}
 */
public final class BloomFilterBench {

    private static final long STORE_FIXED = 64 + ((1L << 20) + 1) * 8;
    private static final int STORE_ENTRY = 22;
    private static volatile long sink;

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        double fpp = Double.parseDouble(args[2]);
        long probes = Long.parseLong(args[3]);
        long whole = Long.parseLong(args[4]);

        System.out.printf("== Analytical sizes at p = %s (m = -n ln p / (ln 2)^2 bits, k = (m/n) ln 2) vs the exact store (8 MiB index + 22 bytes/hash) ==%n", fpp);
        double bitsPerHash = -Math.log(fpp) / (Math.log(2) * Math.log(2));
        System.out.printf("Bloom: %.2f bits = %.2f bytes per hash, k = %d hash functions; exact store: 22 bytes per hash, no false positive%n",
                bitsPerHash, bitsPerHash / 8, Math.round(bitsPerHash * Math.log(2)));
        for (long count : new long[]{n, whole, 1_000_000_000L, 2_000_000_000L}) {
            double bloomBytes = Math.ceil(count * bitsPerHash) / 8;
            long store = STORE_FIXED + STORE_ENTRY * count;
            System.out.printf("  n = %,15d: Bloom %,10.1f MB   exact store %,10.1f MB   (ratio %.1f)%n", count, bloomBytes / 1e6, store / 1e6,
                    store / bloomBytes);
        }

        // Build, as Keycloak does at start-up: read the list, put every entry.
        System.gc();
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long t0 = System.nanoTime();
        BloomFilter<byte[]> filter = BloomFilter.create(Funnels.byteArrayFunnel(), n, fpp);
        long created = System.nanoTime();
        int kept = Math.min(n, 1_000_000);
        byte[] inserted = new byte[kept * 20];
        HexFormat hex = HexFormat.of();
        int read = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.US_ASCII), 1 << 16)) {
            String line;
            while (read < n && (line = reader.readLine()) != null) {
                byte[] sha1 = hex.parseHex(line, 0, 40);
                filter.put(sha1);
                if (read < kept) {
                    System.arraycopy(sha1, 0, inserted, read * 20, 20);
                }
                read++;
            }
        }
        long built = System.nanoTime();
        System.gc();
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long[] serialized = {0};
        filter.writeTo(new OutputStream() {
            @Override
            public void write(int b) {
                serialized[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                serialized[0] += len;
            }
        });
        System.out.println();
        System.out.printf("== Guava BloomFilter<byte[]> (guava 33.7.1-jre, murmur3_128), n = %,d, p = %s ==%n", read, fpp);
        System.out.printf("allocate %.1f ms; read + parse + put %,d hashes: %.1f s (%.0f ns per hash): Keycloak-style start-up cost for this list%n",
                (created - t0) / 1e6, read, (built - created) / 1e9, (double) (built - created) / read);
        System.out.printf("filter size: %,d bytes serialized (%.2f bits per hash); heap used after GC grew by %,.1f MB (includes the %,.1f MB check array)%n",
                serialized[0], serialized[0] * 8.0 / read, (after.getUsed() - before.getUsed()) / 1e6, inserted.length / 1e6);
        System.out.printf("Guava's own expectedFpp() after the puts: %.6f %%%n", filter.expectedFpp() * 100);

        long falseNegatives = 0;
        byte[] h = new byte[20];
        for (int i = 0; i < kept; i++) {
            System.arraycopy(inserted, i * 20, h, 0, 20);
            falseNegatives += filter.mightContain(h) ? 0 : 1;
        }
        SplittableRandom random = new SplittableRandom(99);
        long falsePositives = 0;
        LatencyStats.Samples latency = new LatencyStats.Samples(1_000_000);
        long t2 = System.nanoTime();
        for (long i = 0; i < probes; i++) {
            random.nextBytes(h);
            long a = System.nanoTime();
            boolean hit = filter.mightContain(h);
            long b = System.nanoTime();
            if (i >= probes - 1_000_000) {
                latency.add(b - a);
            }
            falsePositives += hit ? 1 : 0;
        }
        long t3 = System.nanoTime();
        double rate = (double) falsePositives / probes;
        double sd = Math.sqrt(fpp * (1 - fpp) / probes);
        System.out.printf("false negatives on %,d inserted hashes: %,d%n", kept, falseNegatives);
        System.out.printf("false positives on %,d random absent hashes: %,d = %.5f %% (target %.5f %%, ±%.5f %% at 2σ)  [%.1f s]%n", probes,
                falsePositives, rate * 100, fpp * 100, 2 * sd * 100, (t3 - t2) / 1e9);
        System.out.printf("mightContain latency, the last %,d probes: %s%n", latency.size(), latency.describe());
        sink += falsePositives;
    }
}
