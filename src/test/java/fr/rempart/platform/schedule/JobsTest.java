package fr.rempart.platform.schedule;

import fr.rempart.platform.config.MapConfig;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobsTest {

    private ScheduledThreadPoolExecutor executor;
    private Jobs jobs;

    @BeforeEach
    void setUp() {
        // One thread, as a container's default scheduled executor may have: the jobs must share it.
        executor = new ScheduledThreadPoolExecutor(1);
        jobs = new Jobs();
        jobs.clock = java.time.Clock.systemUTC();
        jobs.scheduler = (ManagedScheduledExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ManagedScheduledExecutorService.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(executor, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        jobs.config = MapConfig.of("rempart.jobs.configured.period", "PT0.05S", "rempart.jobs.broken.period", "2 seconds");
    }

    @AfterEach
    void tearDown() {
        jobs.stop();
        executor.shutdownNow();
    }

    @Test
    void aJobThatFailsIsCountedShownAndRunAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        jobs.every("configured", Duration.ZERO, Duration.ofHours(1), () -> {
            calls.incrementAndGet();
            third.countDown();
            throw new IllegalStateException("the database is down");
        });
        // The configured period (50 ms), not the default hour.
        assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
        Jobs.Status status = jobs.statuses().get(0);
        assertThat(status.name()).isEqualTo("configured");
        assertThat(status.period()).isEqualTo(Duration.ofMillis(50));
        assertThat(status.failures()).isGreaterThanOrEqualTo(2);
        assertThat(status.lastStart()).isNotNull();
    }

    @Test
    void runSoonRunsAtOnceAndNeverTwiceConcurrently() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        Jobs.Job job = jobs.every("wrapper", Duration.ofHours(1), Duration.ofHours(1), () -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            ran.countDown();
            running.decrementAndGet();
        });
        // The one thread is busy: the twenty calls all find the first run still queued.
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 20; i++) {
            job.runSoon();
        }
        release.countDown();
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        executor.schedule(() -> { }, 0, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        assertThat(overlaps.get()).isZero();
        // Twenty calls while one run was queued: one run, not twenty.
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aMalformedPeriodOrATakenNameStopsTheStartNamingIt() {
        assertThatThrownBy(() -> jobs.every("broken", Duration.ZERO, Duration.ofSeconds(1), () -> { }))
                .hasMessageContaining("rempart.jobs.broken.period");
        jobs.every("mail", Duration.ofHours(1), Duration.ofSeconds(2), () -> { });
        assertThatThrownBy(() -> jobs.every("mail", Duration.ofHours(1), Duration.ofSeconds(2), () -> { })).hasMessageContaining("mail");
    }
}
