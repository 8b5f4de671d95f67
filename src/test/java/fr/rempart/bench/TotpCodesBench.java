package fr.rempart.bench;

import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import fr.rempart.totp.TotpCodes;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static fr.rempart.bench.TotpBenchStats.line;
import static fr.rempart.bench.TotpBenchStats.longProperty;

/**
 * In-process cost of checking a TOTP code: {@link TotpCodes#matchingStep} (three HMACs through the
 * library's DefaultCodeGenerator, constant-time comparisons), one kind and parameter set per JVM so
 * that no benchmark's profile pollutes another's (what JMH's forks do):
 * <pre>
 *   java … fr.rempart.bench.TotpCodesBench matching SHA1 6      single thread, valid codes (= per core)
 *   java … fr.rempart.bench.TotpCodesBench wrong SHA1 6         single thread, wrong codes (same work: all three steps are computed)
 *   java … fr.rempart.bench.TotpCodesBench threads SHA1 6       one thread per core, aggregate
 *   java … fr.rempart.bench.TotpCodesBench inhouse SHA1 6       the same three codes computed without the library: what the library adds
 * </pre>
 * System properties: bench.warmup (seconds, 10), bench.rounds (5), bench.round (seconds, 3).
 */
public final class TotpCodesBench {

    private static final int INPUTS = 1024;
    /** A fixed instant, so every precomputed code stays "current" for the whole run. */
    private static final long NOW = 1_800_000_000L;

    private TotpCodesBench() {
    }

    /** One unit of work on input i; returns something derived from the result so nothing is optimised away. */
    private interface Work {
        long run(int i);
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String algorithm = args[1];
        int digits = Integer.parseInt(args[2]);
        long warmup = longProperty("bench.warmup", 10);
        int rounds = (int) longProperty("bench.rounds", 5);
        long round = longProperty("bench.round", 3);

        TotpCodes codes = new TotpCodes(algorithm, digits, 30);
        String[] secrets = new String[INPUTS];
        String[] typed = new String[INPUTS];
        DefaultSecretGenerator generator = new DefaultSecretGenerator(32);
        Random random = new Random(42);
        for (int i = 0; i < INPUTS; i++) {
            secrets[i] = generator.generate();
            String valid = codes.code(secrets[i], codes.step(NOW));
            if (kind.equals("wrong")) {
                // A code of the right length matching none of the three steps.
                String wrong;
                do {
                    wrong = String.format("%0" + digits + "d", Math.floorMod(random.nextLong(), (long) Math.pow(10, digits)));
                } while (codes.matchingStep(secrets[i], wrong, NOW).isPresent());
                typed[i] = wrong;
            } else {
                typed[i] = valid;
            }
        }
        boolean expectMatch = !kind.equals("wrong");
        Work work = switch (kind) {
            case "matching", "wrong", "threads" -> i -> {
                OptionalLong step = codes.matchingStep(secrets[i], typed[i], NOW);
                if (step.isPresent() != expectMatch) {
                    throw new AssertionError("unexpected result for input " + i);
                }
                return step.isPresent() ? step.getAsLong() : 1;
            };
            case "inhouse" -> inhouse(algorithm, digits, secrets, typed);
            default -> throw new IllegalArgumentException("kind: matching, wrong, threads or inhouse");
        };

        line("== TotpCodes %s %s/%d digits/30 s ==", kind, algorithm, digits);
        if (kind.equals("threads")) {
            threads(work, warmup, rounds, round);
            return;
        }
        long sink = timed(work, warmup * 1_000_000_000L).operations; // warm-up, discarded
        TotpBenchStats.Rounds measured = new TotpBenchStats.Rounds();
        TotpBenchStats.CpuWindow cpu = TotpBenchStats.CpuWindow.start();
        for (int r = 0; r < rounds; r++) {
            Count c = timed(work, round * 1_000_000_000L);
            measured.add(c.operations, c.nanos, c.cpuNanos);
            sink += c.sink;
        }
        String cpuLine = cpu.stop();
        TotpBenchStats.Samples latencies = new TotpBenchStats.Samples();
        long end = System.nanoTime() + round * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i = (i + 1) & (INPUTS - 1)) {
            long t0 = System.nanoTime();
            sink += work.run(i);
            latencies.add(System.nanoTime() - t0);
        }
        long before = TotpBenchStats.allocatedBytes();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            sink += work.run(i & (INPUTS - 1));
        }
        long allocated = TotpBenchStats.allocatedBytes() - before;
        line("throughput: %s", measured.summary());
        line("latency per call: %s", latencies.latencies());
        line("allocated per call: %,d bytes", before < 0 ? -1 : allocated / n);
        line("%s", cpuLine);
        line("RESULT codes kind=%s algorithm=%s digits=%d opsPerSecond=%.0f opsPerCpuSecond=%.0f p50us=%.2f p99us=%.2f bytesPerCall=%d (sink %d)",
                kind, algorithm, digits, measured.median(), measured.cpuMedian(), latencies.percentile(0.5) / 1e3, latencies.percentile(0.99) / 1e3,
                allocated / n, sink & 1);
    }

    private record Count(long operations, long nanos, long cpuNanos, long sink) {
    }

    /** Runs the work in batches of INPUTS calls until the duration has passed. */
    private static Count timed(Work work, long durationNanos) {
        long sink = 0;
        long operations = 0;
        long cpu = TotpBenchStats.threadCpuNanos();
        long start = System.nanoTime();
        long end = start + durationNanos;
        long now;
        do {
            for (int i = 0; i < INPUTS; i++) {
                sink += work.run(i);
            }
            operations += INPUTS;
            now = System.nanoTime();
        } while (now < end);
        return new Count(operations, now - start, TotpBenchStats.threadCpuNanos() - cpu, sink);
    }

    /** One thread per available core, each on the whole input set; the aggregate rate per round. */
    private static void threads(Work work, long warmup, int rounds, long round) throws InterruptedException {
        int n = Runtime.getRuntime().availableProcessors();
        TotpBenchStats.Rounds measured = new TotpBenchStats.Rounds();
        AtomicLong sink = new AtomicLong();
        TotpBenchStats.CpuWindow cpu = null;
        for (int r = -1; r < rounds; r++) {
            long duration = (r < 0 ? warmup : round) * 1_000_000_000L;
            AtomicLong operations = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] workers = new Thread[n];
            for (int t = 0; t < n; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    Count c = timed(work, duration);
                    operations.addAndGet(c.operations);
                    sink.addAndGet(c.sink);
                });
                workers[t].start();
            }
            if (r == 0) {
                cpu = TotpBenchStats.CpuWindow.start();
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            if (r >= 0) {
                measured.add(operations.get(), System.nanoTime() - start);
            }
        }
        line("throughput with %d threads: %s", n, measured.summary());
        line("%s", cpu.stop());
        line("RESULT codes kind=threads threads=%d opsPerSecond=%.0f (sink %d)", n, measured.median(), sink.get() & 1);
    }

    /**
     * What TotpCodes would cost computing RFC 4226 itself: per verification the secret is base32-decoded
     * once (not once per step), the Mac comes from a per-thread cache and is keyed once, the three
     * truncated codes are written as ASCII digits without String.format and compared in constant time,
     * like matchingStep. The same codes (asserted), the work of the library less its per-code overheads.
     */
    private static Work inhouse(String algorithm, int digits, String[] secrets, String[] typed) {
        String hmac = HashingAlgorithm.valueOf(algorithm).getHmacAlgorithm();
        ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
            try {
                return Mac.getInstance(hmac);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[][] expected = new byte[secrets.length][];
        for (int i = 0; i < secrets.length; i++) {
            expected[i] = typed[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        int modulus = (int) Math.pow(10, digits);
        long now = Math.floorDiv(NOW, 30);
        return i -> {
            try {
                Mac mac = macs.get();
                mac.init(new SecretKeySpec(base32(secrets[i]), hmac));
                byte[] counter = new byte[8];
                byte[] code = new byte[digits];
                long matched = Long.MIN_VALUE;
                for (long s = now - 1; s <= now + 1; s++) {
                    ByteBuffer.wrap(counter).putLong(0, s);
                    byte[] h = mac.doFinal(counter);
                    int offset = h[h.length - 1] & 0xf;
                    int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
                    int value = binary % modulus;
                    for (int d = digits - 1; d >= 0; d--) {
                        code[d] = (byte) ('0' + value % 10);
                        value /= 10;
                    }
                    if (java.security.MessageDigest.isEqual(code, expected[i])) {
                        matched = Math.max(matched, s);
                    }
                }
                if (matched == Long.MIN_VALUE) {
                    throw new AssertionError("inhouse: no match for input " + i);
                }
                return matched;
            } catch (java.security.InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** RFC 4648 base32 without padding, upper case (what DefaultSecretGenerator produces). */
    private static byte[] base32(String text) {
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            int v = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= '2' && ch <= '7' ? ch - '2' + 26 : -1;
            if (v < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
