package fr.rempart.password;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.MemberId;
import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Imported legacy hashes, made harmless twice over.
 *
 * <ul>
 *   <li><b>Wrapped.</b> Each hash still as the old portal made it is replaced by its digest hashed again
 *       with Argon2id ({@link PasswordHasher#wrap}), in slices of about two seconds: a stolen table
 *       then yields no weak digest. The outer memory is decided once per cost class, so that the legacy
 *       part plus the outer part cost one Argon2id of the configured parameters (never below 1 MiB).</li>
 *   <li><b>Timed alike.</b> A legacy algorithm dearer on its own than one Argon2id (PBKDF2 at 600,000
 *       iterations costs two to three) cannot be made cheaper without the password. So, while any hash
 *       that is not Rempart's own is stored, every verification lasts at least what the dearest one
 *       costs on this node plus 15 % ({@link PasswordHasher#floor}), re-measured every five minutes; at most one
 *       second, so one absurd import cannot slow every sign-in down further.</li>
 * </ul>
 * Each node measures its own floor; the outer memory of a class is shared through the database.
 */
@ApplicationScoped
public class LegacyHashes {

    private static final Logger LOG = Logger.getLogger(LegacyHashes.class.getName());
    /** The smallest outer Argon2id, even over a legacy algorithm that already costs more than one Argon2id. */
    static final int MIN_OUTER_MEMORY_KIB = 1024;
    static final Duration MAX_FLOOR = Duration.ofSeconds(1);
    private static final double FLOOR_MARGIN = 1.15;
    /** Short slices: the jobs share the executor, and mail must not wait behind a long wrap. */
    private static final Duration SLICE = Duration.ofSeconds(2);
    private static final Duration FLOOR_REFRESH = Duration.ofMinutes(5);
    /** How often a node looks for hashes another node imported (the import wakes its own node at once): one indexed query. */
    private static final Duration IDLE_POLL = Duration.ofSeconds(30);
    private static final int BATCH = 50;
    private static final int TIMED_RUNS = 5;

    @Inject
    Clock clock;
    @Inject
    Jobs jobs;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordCredentials credentials;
    @Inject
    Jdbc jdbc;
    @Inject
    AuditTrail audit;

    private volatile Jobs.Job job;
    private Instant floorMeasuredAt = Instant.MIN;

    void start(@Observes Startup.Ready ready) {
        job = jobs.every("legacy-hashes", Duration.ofSeconds(5), IDLE_POLL, this::run);
    }

    /** Called when hashes were imported: they are wrapped now, not at the next poll. */
    public void wakeUp() {
        Jobs.Job current = job;
        if (current != null) {
            current.runSoon();
        }
    }

    void run() {
        Slice slice = wrapSlice(SLICE);
        if (slice.wrapped() > 0 || clock.instant().isAfter(floorMeasuredAt.plus(FLOOR_REFRESH))) {
            measureFloor();
        }
        if (slice.more()) {
            job.runSoon();
        }
    }

    /** What one slice did: hashes wrapped, and whether some are left. */
    record Slice(int wrapped, boolean more) {
    }

    /** Wraps unwrapped legacy hashes for about {@code budget}, in batches that each commit on their own. */
    Slice wrapSlice(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int wrapped = 0;
        MemberId after = null;
        while (System.nanoTime() < deadline) {
            List<PasswordCredentials.Stored> batch = credentials.unwrapped(after, BATCH);
            if (batch.isEmpty()) {
                record(wrapped);
                return new Slice(wrapped, false);
            }
            Map<PasswordCredentials.Stored, PasswordCredentials.Wrapped> replacements = new LinkedHashMap<>();
            for (PasswordCredentials.Stored stored : batch) {
                // A hash that is no legacy one (damaged: it verifies as a mismatch) only leaves the work list.
                String costClass = hasher.costClass(stored.hash()).orElse(null);
                String hash = costClass == null || costClass.startsWith("argon2") ? stored.hash()
                        : hasher.wrap(stored.hash(), outerMemory(costClass)).orElse(stored.hash());
                replacements.put(stored, new PasswordCredentials.Wrapped(hash, costClass));
            }
            wrapped += credentials.replaceUnwrapped(replacements);
            after = batch.get(batch.size() - 1).member();
        }
        record(wrapped);
        return new Slice(wrapped, true);
    }

    private void record(int wrapped) {
        if (wrapped > 0) {
            audit.record(Actor.SYSTEM, "password.legacy-wrapped", null, "imported legacy hashes wrapped in Argon2id", "count=" + wrapped);
            LOG.info(() -> wrapped + " legacy password hashes wrapped in Argon2id");
        }
    }

    /**
     * The outer memory for a cost class: read if a node decided it, else decided now so the legacy part
     * and the outer part together cost one Argon2id of the configured parameters.
     */
    int outerMemory(String costClass) {
        return jdbc.one("select outer_memory_kib from password_legacy_class where class_key = ?", r -> r.getInt(1), costClass)
                .orElseGet(() -> decide(costClass));
    }

    private int decide(String costClass) {
        LegacyHash sample = LegacyHash.sample(costClass);
        long legacy = medianNanos(() -> sample.compute("calibration-" + System.nanoTime()));
        long argon2 = medianNanos(() -> hasher.hash("calibration-" + System.nanoTime()));
        int full = hasher.parameters().memoryKib();
        int memory = (int) Math.max(MIN_OUTER_MEMORY_KIB, Math.min(full, Math.round(full * (1 - (double) legacy / argon2))));
        try {
            jdbc.update("insert into password_legacy_class (class_key, outer_memory_kib, decided_at) values (?, ?, ?)",
                    costClass, memory, clock.instant());
            LOG.info(() -> "Legacy hashes " + costClass + " (" + legacy / 1_000_000 + " ms against " + argon2 / 1_000_000
                    + " ms for Argon2id) are wrapped with " + memory + " KiB");
            return memory;
        } catch (Jdbc.DataAccessException e) {
            if (Jdbc.isUniqueViolation(e)) {
                // Another node decided first: every hash of the class uses its choice.
                return jdbc.one("select outer_memory_kib from password_legacy_class where class_key = ?", r -> r.getInt(1), costClass).orElseThrow();
            }
            throw e;
        }
    }

    /**
     * Measures, on this node, one Argon2id and one verification of each cost class stored (wrapped as it
     * is or will be), and sets the floor to the dearest plus 15 %: zero when every hash is Rempart's own.
     */
    Duration measureFloor() {
        List<String> classes = credentials.costClasses();
        Duration floor = Duration.ZERO;
        if (!classes.isEmpty()) {
            String own = hasher.hash("floor-" + System.nanoTime());
            long dearest = medianNanos(() -> hasher.check("floor-" + System.nanoTime(), own));
            for (String costClass : classes) {
                String sample = hasher.sample(costClass, costClass.startsWith("argon2") ? 0 : outerMemory(costClass));
                dearest = Math.max(dearest, medianNanos(() -> hasher.check("floor-" + System.nanoTime(), sample)));
            }
            // A median under-states the slow runs a loaded server adds: the margin keeps them inside the floor.
            floor = Duration.ofNanos(Math.round(dearest * FLOOR_MARGIN));
            if (floor.compareTo(MAX_FLOOR) > 0) {
                Duration measured = floor;
                LOG.warning(() -> "A stored password hash costs " + measured.toMillis() + " ms to verify: sign-ins are padded to "
                        + MAX_FLOOR.toMillis() + " ms only, so that hash's members can be told apart by time until they sign in");
                floor = MAX_FLOOR;
            }
        }
        hasher.floor(floor);
        floorMeasuredAt = clock.instant();
        Duration set = floor;
        LOG.fine(() -> "Password verification floor: " + set.toMillis() + " ms for " + classes.size() + " cost classes");
        return floor;
    }

    /** The median of five timed runs, after one to warm up. */
    private static long medianNanos(Supplier<?> work) {
        work.get();
        long[] times = new long[TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
            long start = System.nanoTime();
            work.get();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[TIMED_RUNS / 2];
    }

}
