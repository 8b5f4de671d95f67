package fr.rempart.bench;

import fr.rempart.password.corpus.PwnedStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The breached-password store at scale, in two modes (the caller, deploy/bench-passwords, decides
 * the page-cache state of the file beforehand and reports it):
 * <ul>
 * <li>{@code open <store> <times>}: {@link PwnedStore#open} (header, index check, mappings) timed in
 * a fresh JVM: the first open, which the service pays at start-up, then the median of the next ones;</li>
 * <li>{@code lookup <store> <present-sample.bin> <lookups> <warm-up lookups> [<jit-store>]}: one
 * {@link PwnedStore#occurrences} call timed at a time, for hashes known to be present (from the
 * generator's sample) and random hashes (absent), interleaved in random order. The JIT is first
 * warmed on {@code jit-store} (another file, so that the measured file's page cache stays as the
 * caller left it) and then with {@code warm-up lookups} on the measured store itself.</li>
 * </ul>
 */
public final class PwnedCorpusBench {

    private static volatile long sink;

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "open" -> open(Path.of(args[1]), Integer.parseInt(args[2]));
            case "lookup" -> lookup(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? Path.of(args[5]) : null);
            default -> throw new IllegalArgumentException("usage: open <store> <times> | lookup <store> <present.bin> <n> <warm-up> [jit-store]");
        }
    }

    private static void open(Path path, int times) {
        long t0 = System.nanoTime();
        PwnedStore first = PwnedStore.open(path);
        long firstNanos = System.nanoTime() - t0;
        long size = first.size();
        first.close();
        long[] next = new long[Math.max(0, times - 1)];
        for (int i = 0; i < next.length; i++) {
            long t = System.nanoTime();
            PwnedStore s = PwnedStore.open(path);
            next[i] = System.nanoTime() - t;
            sink += s.size();
            s.close();
        }
        Arrays.sort(next);
        System.out.printf("OPEN %s (%,d hashes): first open in a fresh JVM %.1f ms; next %d opens: median %.1f ms, min %.1f ms, max %.1f ms%n",
                path, size, firstNanos / 1e6, next.length, next.length == 0 ? 0 : next[next.length / 2] / 1e6,
                next.length == 0 ? 0 : next[0] / 1e6, next.length == 0 ? 0 : next[next.length - 1] / 1e6);
        System.out.printf("OPEN-FIRST-MS %.2f%nOPEN-MEDIAN-MS %.2f%n", firstNanos / 1e6, next.length == 0 ? 0 : next[next.length / 2] / 1e6);
    }

    private static void lookup(Path path, Path presentSample, int lookups, int warmup, Path jitStore) throws IOException {
        byte[] raw = Files.readAllBytes(presentSample);
        List<byte[]> present = new ArrayList<>();
        for (int i = 0; i + 20 <= raw.length; i += 20) {
            present.add(Arrays.copyOfRange(raw, i, i + 20));
        }
        SplittableRandom random = new SplittableRandom(7);
        Collections.shuffle(present, new java.util.Random(7));
        if (jitStore != null) {
            try (PwnedStore jit = PwnedStore.open(jitStore)) {
                byte[] h = new byte[20];
                for (int i = 0; i < 2_000_000; i++) {
                    random.nextBytes(h);
                    sink += jit.occurrences(h);
                }
            }
        }
        try (PwnedStore store = PwnedStore.open(path)) {
            byte[] h = new byte[20];
            for (int i = 0; i < warmup; i++) {
                if ((i & 1) == 0) {
                    sink += store.occurrences(present.get(i % present.size()));
                } else {
                    random.nextBytes(h);
                    sink += store.occurrences(h);
                }
            }
            LatencyStats.Samples hits = new LatencyStats.Samples(lookups);
            LatencyStats.Samples misses = new LatencyStats.Samples(lookups);
            long found = 0;
            long falseHits = 0;
            int p = 0;
            int a = 0;
            LatencyStats.Cpu start = LatencyStats.Cpu.now();
            while (p < lookups || a < lookups) {
                boolean wantPresent = a >= lookups || (p < lookups && random.nextBoolean());
                byte[] hash;
                if (wantPresent) {
                    hash = present.get(p++ % present.size());
                } else {
                    hash = new byte[20];
                    random.nextBytes(hash);
                    a++;
                }
                long t0 = System.nanoTime();
                int n = store.occurrences(hash);
                long t1 = System.nanoTime();
                if (wantPresent) {
                    hits.add(t1 - t0);
                    found += n > 0 ? 1 : 0;
                } else {
                    misses.add(t1 - t0);
                    falseHits += n > 0 ? 1 : 0;
                }
            }
            LatencyStats.Cpu end = LatencyStats.Cpu.now();
            System.out.printf("LOOKUP %s (%,d hashes), %,d warm-up lookups on it first [%s]%n", path, store.size(), warmup, start.until(end));
            System.out.printf("  present: %s  (found %,d of %,d; %,d distinct sampled hashes)%n", hits.describe(), found, hits.size(),
                    present.size());
            System.out.printf("  absent:  %s  (found %,d of %,d)%n", misses.describe(), falseHits, misses.size());
        }
    }
}
