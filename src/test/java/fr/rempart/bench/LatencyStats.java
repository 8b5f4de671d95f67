package fr.rempart.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Helpers of the password benchmarks: nearest-rank percentiles from sorted samples (no histogram,
 * no interpolation), and how busy the machine was besides this process during a window (it is
 * shared: another program's load shows up as "foreign" CPU rather than silently as latency).
 */
final class LatencyStats {

    private LatencyStats() {
    }

    /** Latency samples in nanoseconds, appended as measured. */
    static final class Samples {
        private long[] values;
        private int size;

        Samples(int capacity) {
            values = new long[Math.max(16, capacity)];
        }

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        void addAll(Samples other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        int size() {
            return size;
        }

        /** The nearest-rank percentile (q in 0..1]: the smallest sample with at least q of the samples at or below it. */
        long percentile(double q) {
            long[] sorted = sorted();
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        double mean() {
            long sum = 0;
            for (int i = 0; i < size; i++) {
                sum += values[i];
            }
            return size == 0 ? 0 : (double) sum / size;
        }

        private long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }

        /** "n=…  p50 …  p90 …  p99 …  p99.9 …  max …" in microseconds. */
        String describe() {
            long[] s = sorted();
            if (s.length == 0) {
                return "n=0";
            }
            return String.format("n=%,d  mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s µs", s.length, us(mean()), us(rank(s, 0.50)),
                    us(rank(s, 0.90)), us(rank(s, 0.99)), us(rank(s, 0.999)), us(s[s.length - 1]));
        }

        private static long rank(long[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    static String us(double nanos) {
        double us = nanos / 1000.0;
        return us >= 100 ? String.format("%,.0f", us) : us >= 10 ? String.format("%.1f", us) : String.format("%.2f", us);
    }

    /** CPU seconds of this process and of the whole machine (busy, total) since boot, from /proc. */
    record Cpu(long nanos, double self, double machineBusy, double machineTotal) {

        static Cpu now() {
            double self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double busy = 0;
            double total = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal …; idle and iowait are not busy.
                for (int i = 1; i < f.length && i <= 8; i++) {
                    double v = Long.parseLong(f[i]) / 100.0;
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
            } catch (IOException | RuntimeException e) {
                busy = Double.NaN;
                total = Double.NaN;
            }
            return new Cpu(System.nanoTime(), self, busy, total);
        }

        /** "wall …s, this JVM … CPU s, other processes … CPU s, idle … of … CPU s". */
        String until(Cpu end) {
            double self = end.self - this.self;
            double busy = end.machineBusy - machineBusy;
            double total = end.machineTotal - machineTotal;
            return String.format("wall %.1f s; CPU s: this JVM %.1f, other processes %.1f, idle %.1f of %.1f", (end.nanos - nanos) / 1e9, self,
                    Math.max(0, busy - self), total - busy, total);
        }
    }
}
