package fr.rempart.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Helpers of the TOTP benchmarks: latency samples with nearest-rank percentiles (sorted samples, no
 * histogram, no interpolation), a summary of rounds, and how busy the machine was besides this JVM
 * during a window (the machine is shared: another program's load shows as "other" CPU instead of
 * silently as slower figures). PostgreSQL, a separate process, counts as "other" too.
 */
final class TotpBenchStats {

    private TotpBenchStats() {
    }

    /**
     * Latency samples in nanoseconds. All of them up to {@link #CAP}; beyond, a uniform random sample
     * of that size (reservoir sampling), so nanosecond-scale operations measured for seconds keep
     * unbiased percentiles in bounded memory. {@link #seen} counts every sample offered.
     */
    static final class Samples {
        static final int CAP = 2_000_000;
        private long[] values = new long[1 << 16];
        private int size;
        private long seen;

        void add(long nanos) {
            seen++;
            if (size < CAP) {
                if (size == values.length) {
                    values = Arrays.copyOf(values, Math.min(CAP, size * 2));
                }
                values[size++] = nanos;
                return;
            }
            long slot = java.util.concurrent.ThreadLocalRandom.current().nextLong(seen);
            if (slot < CAP) {
                values[(int) slot] = nanos;
            }
        }

        synchronized void addAll(Samples other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        int size() {
            return size;
        }

        /** Nearest rank (q in (0, 1]): the smallest sample with at least q of the samples at or below it. */
        long percentile(double q) {
            if (size == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * size);
            return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
        }

        String latencies() {
            return String.format(Locale.ROOT, "p50 %s, p99 %s, p99.9 %s, max %s (%,d samples%s)",
                    micros(percentile(0.50)), micros(percentile(0.99)), micros(percentile(0.999)), micros(percentile(1.0)), size,
                    seen > size ? String.format(Locale.ROOT, ", a uniform sample of %,d", seen) : "");
        }
    }

    /**
     * Operations per second of each measured round, by the wall clock and, for single-threaded
     * rounds, per second of the measuring thread's own CPU time: on a shared machine the second is
     * what one core does, whatever share of the machine this JVM got.
     */
    static final class Rounds {
        final List<Double> perSecond = new ArrayList<>();
        final List<Double> perCpuSecond = new ArrayList<>();

        void add(long operations, long nanos) {
            perSecond.add(operations * 1e9 / nanos);
        }

        void add(long operations, long nanos, long threadCpuNanos) {
            add(operations, nanos);
            if (threadCpuNanos > 0) {
                perCpuSecond.add(operations * 1e9 / threadCpuNanos);
            }
        }

        double median() {
            return median(perSecond);
        }

        double cpuMedian() {
            return median(perCpuSecond);
        }

        private static double median(List<Double> values) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        String summary() {
            double min = perSecond.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double max = perSecond.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            String wall = String.format(Locale.ROOT, "%,.0f ops/s median of %d rounds (min %,.0f, max %,.0f)", median(), perSecond.size(), min, max);
            if (perCpuSecond.isEmpty()) {
                return wall;
            }
            double cmin = perCpuSecond.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double cmax = perCpuSecond.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return wall + String.format(Locale.ROOT, "; per CPU-second of the thread %,.0f (min %,.0f, max %,.0f)", cpuMedian(), cmin, cmax);
        }
    }

    /** CPU time of the current thread in nanoseconds (0 where the JVM does not tell). */
    static long threadCpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    static String micros(long nanos) {
        return nanos < 10_000 ? String.format(Locale.ROOT, "%.2f µs", nanos / 1e3) : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    /** CPU used by this JVM and by everything else on the machine between {@link #start} and {@link #stop}. */
    static final class CpuWindow {
        private long machineBusy;
        private long machineTotal;
        private long ownNanos;
        private long gcCount;
        private long gcMillis;
        private long wallNanos;

        static CpuWindow start() {
            CpuWindow w = new CpuWindow();
            long[] machine = machineJiffies();
            w.machineBusy = machine[0];
            w.machineTotal = machine[1];
            w.ownNanos = ownCpuNanos();
            w.gcCount = gc()[0];
            w.gcMillis = gc()[1];
            w.wallNanos = System.nanoTime();
            return w;
        }

        /** "this JVM x.xx cores, other processes y.yy cores (of N), GC n collections / t ms". */
        String stop() {
            long[] machine = machineJiffies();
            double wall = (System.nanoTime() - wallNanos) / 1e9;
            int cores = Runtime.getRuntime().availableProcessors();
            double busyShare = machine[1] == machineTotal ? 0 : (double) (machine[0] - machineBusy) / (machine[1] - machineTotal);
            double busyCores = busyShare * cores;
            double own = (ownCpuNanos() - ownNanos) / 1e9 / wall;
            long[] gc = gc();
            return String.format(Locale.ROOT, "CPU: this JVM %.2f cores, other processes %.2f cores (of %d); GC %d collections, %d ms",
                    own, Math.max(0, busyCores - own), cores, gc[0] - gcCount, gc[1] - gcMillis);
        }
    }

    private static long ownCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    /** {busy, total} jiffies of the whole machine from /proc/stat (zeros where there is none). */
    private static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    /** Bytes allocated so far by the current thread (-1 where the JVM does not tell). */
    static long allocatedBytes() {
        var threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static long longProperty(String name, long fallback) {
        return Long.parseLong(System.getProperty(name, Long.toString(fallback)));
    }
}
