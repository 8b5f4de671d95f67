package fr.rempart.bench;

import fr.rempart.platform.db.Jdbc;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static fr.rempart.bench.TotpBenchStats.line;
import static fr.rempart.bench.TotpBenchStats.longProperty;

/**
 * The cost of TotpService's replay check, "accept this time step only if no later or equal step was
 * accepted", measured on its own, one store per JVM:
 * <pre>
 *   java … fr.rempart.bench.TotpReplayBench h2           the conditional UPDATE on the embedded H2 file database
 *   java … fr.rempart.bench.TotpReplayBench postgresql   the same on PostgreSQL, synchronous_commit on, then off
 *   java … fr.rempart.bench.TotpReplayBench cache        a ConcurrentHashMap compare-and-set of the last step (the lower bound)
 * </pre>
 * The database variants run the very statement of TotpService.verify through {@link Jdbc#update}, as the
 * service does (one transaction, one commit). Measured: a fresh step (one row updated, the normal case),
 * a replayed step (no row updated), fresh steps from one thread per core, and concurrent submissions of
 * the same step for the same member, where exactly one may win. System properties: bench.members (1000),
 * bench.warmup (seconds, 5), bench.rounds (3), bench.round (seconds, 5), bench.trials (500), bench.racers (4).
 */
public final class TotpReplayBench {

    static final String REPLAY_CHECK = "update totp_credential set last_step = ? where member_id = ? and confirmed = true and last_step < ?";

    /** Moves the member's last accepted step forward to step; true if it did (the step was fresh). */
    interface StepStore {
        boolean advance(UUID member, long step);
    }

    private TotpReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        int members = (int) longProperty("bench.members", 1000);
        if (backend.equals("cache")) {
            ConcurrentHashMap<UUID, Long> lastStep = new ConcurrentHashMap<>();
            UUID[] ids = new UUID[members];
            for (int i = 0; i < members; i++) {
                ids[i] = UUID.randomUUID();
                lastStep.put(ids[i], -1L);
            }
            line("== Replay check: ConcurrentHashMap compare-and-set, %,d members ==", members);
            run("cache", (member, step) -> advance(lastStep, member, step), ids, true);
            return;
        }
        try (TotpBenchDatabase database = TotpBenchDatabase.open(backend)) {
            database.enrol(members);
            UUID[] ids = database.members.stream().map(m -> m.id().value()).toArray(UUID[]::new);
            Jdbc jdbc = database.db.jdbc;
            StepStore store = (member, step) -> jdbc.update(REPLAY_CHECK, step, member, step) == 1;
            line("== Replay check: conditional UPDATE on %s, %,d members ==", backend, members);
            database.describe();
            run(backend, store, ids, false);
            if (database.postgresql()) {
                database.synchronousCommit("off");
                jdbc.update("update totp_credential set last_step = -1");
                line("== Replay check: conditional UPDATE on PostgreSQL, synchronous_commit = off ==");
                database.describe();
                run("postgresql-async", store, ids, false);
            }
        }
    }

    /** The cache variant: compare-and-set loop on the member's entry. */
    static boolean advance(ConcurrentHashMap<UUID, Long> lastStep, UUID member, long step) {
        while (true) {
            Long last = lastStep.get(member);
            if (last != null && last >= step) {
                return false;
            }
            if (last == null ? lastStep.putIfAbsent(member, step) == null : lastStep.replace(member, last, step)) {
                return true;
            }
        }
    }

    private static void run(String label, StepStore store, UUID[] ids, boolean nanoscale) throws Exception {
        long warmup = longProperty("bench.warmup", 5) * 1_000_000_000L;
        int rounds = (int) longProperty("bench.rounds", 3);
        long round = longProperty("bench.round", 5) * 1_000_000_000L;
        int cores = Runtime.getRuntime().availableProcessors();
        // The next step to submit per member, and the last accepted one; steps only move forward.
        long[] last = new long[ids.length];
        java.util.Arrays.fill(last, -1);

        Phase fresh = new Phase("fresh step (1 row updated)", label);
        Phase replay = new Phase("replayed step (0 rows)", label);
        fresh.loop(store, ids, last, 0, ids.length, true, warmup, false);
        replay.loop(store, ids, last, 0, ids.length, false, warmup / 2, false);
        for (int r = 0; r < rounds; r++) {
            fresh.loop(store, ids, last, 0, ids.length, true, round, true);
            replay.loop(store, ids, last, 0, ids.length, false, round, true);
        }
        if (nanoscale) {
            // Per-call timing costs about as much as the call: rates come from untimed batches, latencies from a separate pass.
            fresh.reportNanoscale(store, ids, last, round);
            replay.reportNanoscale(store, ids, last, round);
        } else {
            fresh.report();
            replay.report();
        }

        // One thread per core on disjoint members: what the store does with concurrent verifications.
        Phase parallel = new Phase("fresh step, " + cores + " threads", label);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(cores, (int) longProperty("bench.racers", 4)));
        try {
            for (int r = -1; r < rounds; r++) {
                boolean measure = r >= 0;
                if (r == 0) {
                    parallel.cpu = TotpBenchStats.CpuWindow.start();
                }
                List<Future<Phase>> parts = new java.util.ArrayList<>();
                long start = System.nanoTime();
                for (int t = 0; t < cores; t++) {
                    int from = t * ids.length / cores;
                    int to = (t + 1) * ids.length / cores;
                    parts.add(pool.submit(() -> {
                        Phase part = new Phase("", label);
                        part.loop(store, ids, last, from, to, true, measure ? round : warmup, true);
                        return part;
                    }));
                }
                long operations = 0;
                for (Future<Phase> part : parts) {
                    Phase p = part.get();
                    operations += p.operations;
                    if (measure) {
                        parallel.samples.addAll(p.samples);
                    }
                }
                if (measure) {
                    parallel.rounds.add(operations, System.nanoTime() - start);
                }
            }
            parallel.cpuLine = parallel.cpu.stop();
            parallel.report();
            race(label, store, ids, last, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Concurrent submissions of one code: racers threads submit the same fresh step for the same
     * member at the same moment (a barrier); exactly one must win, every time.
     */
    private static void race(String label, StepStore store, UUID[] ids, long[] last, ExecutorService pool) throws Exception {
        int trials = (int) longProperty("bench.trials", 500);
        int racers = (int) longProperty("bench.racers", 4);
        CyclicBarrier barrier = new CyclicBarrier(racers);
        int exactlyOne = 0;
        int[] winnersSeen = new int[racers + 1];
        TotpBenchStats.Samples samples = new TotpBenchStats.Samples();
        for (int trial = 0; trial < trials; trial++) {
            int m = trial % ids.length;
            long step = ++last[m];
            AtomicInteger winners = new AtomicInteger();
            List<Future<Long>> racing = new java.util.ArrayList<>();
            for (int r = 0; r < racers; r++) {
                racing.add(pool.submit(() -> {
                    barrier.await();
                    long t0 = System.nanoTime();
                    if (store.advance(ids[m], step)) {
                        winners.incrementAndGet();
                    }
                    return System.nanoTime() - t0;
                }));
            }
            for (Future<Long> f : racing) {
                samples.add(f.get());
            }
            winnersSeen[winners.get()]++;
            if (winners.get() == 1) {
                exactlyOne++;
            }
        }
        line("[%s] race: %d threads submit the same step for the same member, %d trials: exactly one winner in %d (winner counts 0..%d: %s)",
                label, racers, trials, exactlyOne, racers, java.util.Arrays.toString(winnersSeen));
        line("[%s] race latency per submission: %s", label, samples.latencies());
        line("RESULT replay store=%s phase=race trials=%d exactlyOne=%d", label, trials, exactlyOne);
        if (exactlyOne != trials) {
            line("WARNING [%s]: a step was accepted more than once, or not at all", label);
        }
    }

    /** One kind of operation: its rates per round and its latencies. */
    private static final class Phase {
        final String name;
        final String label;
        final TotpBenchStats.Rounds rounds = new TotpBenchStats.Rounds();
        final TotpBenchStats.Samples samples = new TotpBenchStats.Samples();
        TotpBenchStats.CpuWindow cpu;
        String cpuLine;
        long operations;

        Phase(String name, String label) {
            this.name = name;
            this.label = label;
        }

        /** Submits fresh (next) or replayed (last accepted) steps for members from..to-1, round robin. */
        void loop(StepStore store, UUID[] ids, long[] last, int from, int to, boolean freshSteps, long duration, boolean measure) {
            if (measure && this.cpu == null && !name.isEmpty()) {
                this.cpu = TotpBenchStats.CpuWindow.start();
            }
            long count = 0;
            long cpu = TotpBenchStats.threadCpuNanos();
            long start = System.nanoTime();
            long end = start + duration;
            int m = from;
            long now = start;
            while (now < end) {
                long step = freshSteps ? last[m] + 1 : last[m];
                long t0 = System.nanoTime();
                boolean advanced = store.advance(ids[m], step);
                now = System.nanoTime();
                if (advanced != freshSteps) {
                    throw new AssertionError((freshSteps ? "fresh step refused" : "replayed step accepted") + " for " + ids[m]);
                }
                if (freshSteps) {
                    last[m] = step;
                }
                if (measure) {
                    samples.add(now - t0);
                }
                count++;
                m = m + 1 == to ? from : m + 1;
            }
            operations = count;
            if (measure && !name.isEmpty()) {
                rounds.add(count, now - start, TotpBenchStats.threadCpuNanos() - cpu);
                cpuLine = this.cpu.stop();
            }
        }

        /** Rates in untimed batches of 1,024 calls, then a pass with per-call timing for the latencies. */
        void reportNanoscale(StepStore store, UUID[] ids, long[] last, long round) {
            boolean freshSteps = name.startsWith("fresh");
            TotpBenchStats.Rounds untimed = new TotpBenchStats.Rounds();
            for (int r = 0; r < 3; r++) {
                long count = 0;
                long cpu = TotpBenchStats.threadCpuNanos();
                long start = System.nanoTime();
                long end = start + round;
                long now;
                int m = 0;
                do {
                    for (int i = 0; i < 1024; i++) {
                        long step = freshSteps ? last[m] + 1 : last[m];
                        if (store.advance(ids[m], step) != freshSteps) {
                            throw new AssertionError("unexpected result for " + ids[m]);
                        }
                        if (freshSteps) {
                            last[m] = step;
                        }
                        m = m + 1 == ids.length ? 0 : m + 1;
                    }
                    count += 1024;
                    now = System.nanoTime();
                } while (now < end);
                untimed.add(count, now - start, TotpBenchStats.threadCpuNanos() - cpu);
            }
            line("[%s] %s: %s", label, name, untimed.summary());
            line("[%s] %s: latency per call (timer included): %s", label, name, samples.latencies());
            line("[%s] %s: %s", label, name, cpuLine);
            line("RESULT replay store=%s phase=%s opsPerSecond=%.0f opsPerCpuSecond=%.0f p50us=%.3f p99us=%.3f", label, key(), untimed.median(),
                    untimed.cpuMedian(), samples.percentile(0.5) / 1e3, samples.percentile(0.99) / 1e3);
        }

        String key() {
            return name.startsWith("fresh step,") ? "parallel" : name.startsWith("fresh") ? "fresh" : "replayed";
        }

        void report() {
            line("[%s] %s: %s", label, name, rounds.summary());
            line("[%s] %s: latency: %s", label, name, samples.latencies());
            if (cpuLine != null) {
                line("[%s] %s: %s", label, name, cpuLine);
            }
            line("RESULT replay store=%s phase=%s opsPerSecond=%.0f opsPerCpuSecond=%.0f p50us=%.1f p99us=%.1f", label, key(), rounds.median(),
                    rounds.cpuMedian(), samples.percentile(0.5) / 1e3, samples.percentile(0.99) / 1e3);
        }
    }
}
