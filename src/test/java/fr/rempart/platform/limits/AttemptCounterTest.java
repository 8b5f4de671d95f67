package fr.rempart.platform.limits;

import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The attempt counter against the real schema (H2 file database), including restarts and concurrency. */
class AttemptCounterTest {

    private static final String[] SETTINGS = {"rempart.signin.free-attempts", "3", "rempart.signin.base-delay", "PT1M"};

    @Test
    void theFreeAttemptsPassThenEachAttemptLocksTheNext() throws Exception {
        try (TestDatabase db = new TestDatabase(SETTINGS)) {
            FailureCounter counter = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
            assertThat(counter.tryAttempt("m:a")).isTrue();
            assertThat(counter.tryAttempt("m:a")).isTrue();
            assertThat(counter.tryAttempt("m:a")).isTrue();
            assertThat(counter.tryAttempt("m:a")).as("fourth: allowed, and it locks").isTrue();
            assertThat(counter.tryAttempt("m:a")).isFalse();
            assertThat(counter.tryAttempt("m:b")).as("other scopes are not affected").isTrue();
            counter.reset("m:a");
            assertThat(counter.tryAttempt("m:a")).isTrue();
        }
    }

    @Test
    void lockedAccountStaysLockedAfterRestart() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rempart-db");
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        try (TestDatabase db = new TestDatabase(dir, key, SETTINGS)) {
            FailureCounter counter = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
            for (int i = 0; i < 4; i++) {
                counter.tryAttempt("m:restart");
            }
        }
        try (TestDatabase restarted = new TestDatabase(dir, key, SETTINGS)) {
            assertThat(new FailureCounter(restarted.jdbc, restarted.settings, java.time.Clock.systemUTC()).tryAttempt("m:restart")).isFalse();
        }
    }

    @Test
    void guessesSentTogetherCannotSlipPastTheLock() throws Exception {
        try (TestDatabase db = new TestDatabase(SETTINGS)) {
            FailureCounter counter = new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return counter.tryAttempt("m:together");
                }));
            }
            start.countDown();
            int allowed = 0;
            for (Future<Boolean> r : results) {
                allowed += r.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(allowed).isEqualTo(4);
        }
    }
}
