package fr.rempart.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic file in the format of HIBP's "Pwned Passwords" SHA-1 download, streaming (never
 * more than a buffer in memory): {@code count} random SHA-1s as 40 upper-case hex digits, ':', an
 * occurrence count (heavy-tailed: mostly 1–10, some in the millions), CRLF; in random order (unsorted).
 * Every {@code every}-th hash is also written, as 20 raw bytes, to a sample file: hashes known to
 * be present, for the lookup benchmark.
 *
 * <p>{@code java … HibpFileGenerator <out.txt> <count> <present-sample.bin> <every> [seed]}
 */
public final class HibpFileGenerator {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes();

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        Path samplePath = Path.of(args[2]);
        long every = Long.parseLong(args[3]);
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 20_240_101L;
        SplittableRandom random = new SplittableRandom(seed);
        long began = System.nanoTime();
        byte[] line = new byte[64];
        byte[] sha1 = new byte[20];
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20);
             OutputStream sample = new BufferedOutputStream(Files.newOutputStream(samplePath), 1 << 16)) {
            for (long i = 0; i < count; i++) {
                long a = random.nextLong();
                long b = random.nextLong();
                int c = random.nextInt();
                for (int k = 0; k < 8; k++) {
                    sha1[k] = (byte) (a >>> (56 - 8 * k));
                    sha1[8 + k] = (byte) (b >>> (56 - 8 * k));
                }
                for (int k = 0; k < 4; k++) {
                    sha1[16 + k] = (byte) (c >>> (24 - 8 * k));
                }
                int n = 0;
                for (byte x : sha1) {
                    line[n++] = HEX[(x >>> 4) & 0x0F];
                    line[n++] = HEX[x & 0x0F];
                }
                line[n++] = ':';
                // Pareto-like counts, as in HIBP: most hashes seen a few times, a few seen millions of times.
                double u = 1.0 - random.nextDouble();
                long occurrences = Math.min(50_000_000L, (long) Math.floor(Math.pow(u, -1.0 / 0.7)));
                String digits = Long.toString(Math.max(1, occurrences));
                for (int k = 0; k < digits.length(); k++) {
                    line[n++] = (byte) digits.charAt(k);
                }
                line[n++] = '\r';
                line[n++] = '\n';
                file.write(line, 0, n);
                if (i % every == 0) {
                    sample.write(sha1);
                }
                if ((i + 1) % 10_000_000 == 0) {
                    System.out.printf("  %,d lines, %.0f s%n", i + 1, (System.nanoTime() - began) / 1e9);
                }
            }
        }
        System.out.printf("Generated %,d lines (%,d bytes) in %.1f s into %s; %,d present hashes sampled into %s%n", count, Files.size(out),
                (System.nanoTime() - began) / 1e9, out, Files.size(samplePath) / 20, samplePath);
    }
}
