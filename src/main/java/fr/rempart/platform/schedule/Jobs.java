package fr.rempart.platform.schedule;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one registry of Rempart's background jobs. Each job has a name, runs every period after the end
 * of its previous run (the default given by its capability, or {@code rempart.jobs.<name>.period}, an
 * ISO-8601 duration), never twice at once, and survives its failures (logged, counted, run again at
 * the next period). {@code /health} shows each job's period, last run and outcome
 * ({@link JobsCheck}).
 */
@ApplicationScoped
public class Jobs {

    private static final Logger LOG = Logger.getLogger(Jobs.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;
    @Inject
    Clock clock;
    /** MicroProfile Config (null: the application's, looked up at the first registration). */
    Config config;

    private final Map<String, Job> jobs = new ConcurrentSkipListMap<>();
    private volatile boolean stopped;

    /** A job's state, as {@code /health} shows it. */
    public record Status(String name, Duration period, Instant lastStart, Duration lastDuration, boolean lastFailed, long runs, long failures) {
    }

    /** A registered job: {@link #runSoon()} asks for a run now, besides the periodic ones. */
    public final class Job {
        private final String name;
        private final Duration period;
        private final Runnable work;
        private final ReentrantLock running = new ReentrantLock();
        private volatile boolean again;
        private final AtomicBoolean queued = new AtomicBoolean();
        private volatile ScheduledFuture<?> periodic;
        private volatile Instant lastStart;
        private volatile Duration lastDuration;
        private volatile boolean lastFailed;
        private volatile long runs;
        private volatile long failures;

        private Job(String name, Duration period, Runnable work) {
            this.name = name;
            this.period = period;
            this.work = work;
        }

        /** Runs the job as soon as a thread is free (calls meanwhile count once); if it is running now, once more after it. */
        public void runSoon() {
            again = true;
            if (!stopped && queued.compareAndSet(false, true)) {
                scheduler.execute(() -> {
                    queued.set(false);
                    run();
                });
            }
        }

        private void run() {
            if (!running.tryLock()) {
                return; // the run in progress sees "again" when it ends
            }
            try {
                again = false;
                Instant start = clock.instant();
                long t0 = System.nanoTime();
                boolean failed = false;
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    failed = true;
                    failures++;
                    LOG.log(Level.WARNING, "Job " + name + " failed; it runs again in " + period, e);
                }
                lastStart = start;
                lastDuration = Duration.ofNanos(System.nanoTime() - t0);
                lastFailed = failed;
                runs++;
            } finally {
                running.unlock();
            }
            if (again) {
                // Queued behind the jobs already due, not looped here: the jobs share the executor's threads.
                runSoon();
            }
        }

        Status status() {
            return new Status(name, period, lastStart, lastDuration, lastFailed, runs, failures);
        }
    }

    /**
     * Registers and starts a job: first run after {@code initialDelay}, then every period after the end
     * of the previous run. A malformed {@code rempart.jobs.<name>.period} stops the start, naming the key.
     */
    public Job every(String name, Duration initialDelay, Duration defaultPeriod, Runnable work) {
        if (config == null) {
            config = ConfigProvider.getConfig();
        }
        Duration period = period(config, name, defaultPeriod);
        Job job = new Job(name, period, work);
        if (jobs.putIfAbsent(name, job) != null) {
            throw new IllegalStateException("Two jobs named " + name);
        }
        job.periodic = scheduler.scheduleWithFixedDelay(job::run, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return job;
    }

    static Duration period(Config config, String name, Duration fallback) {
        String key = "rempart.jobs." + name + ".period";
        Duration period;
        try {
            period = config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty()).map(Duration::parse).orElse(fallback);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(key + " must be an ISO-8601 duration such as PT2S", e);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalStateException(key + " must be positive");
        }
        return period;
    }

    public List<Status> statuses() {
        return jobs.values().stream().map(Job::status).toList();
    }

    Collection<Job> all() {
        return jobs.values();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        jobs.values().forEach(j -> {
            if (j.periodic != null) {
                j.periodic.cancel(false);
            }
        });
    }
}
