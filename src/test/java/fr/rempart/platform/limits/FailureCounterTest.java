package fr.rempart.platform.limits;

import fr.rempart.platform.config.MapConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FailureCounterTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(15);

    @Test
    void failuresUpToTheFreeAllowanceCostNothing() {
        for (int failures = 0; failures <= 5; failures++) {
            assertThat(FailureCounter.delayAfter(failures, 5, BASE, MAX)).as("after %d failures", failures).isZero();
        }
    }

    @Test
    void firstFailureBeyondTheAllowanceCostsTheBaseDelay() {
        assertThat(FailureCounter.delayAfter(6, 5, BASE, MAX)).isEqualTo(BASE);
        assertThat(FailureCounter.delayAfter(1, 0, BASE, MAX)).isEqualTo(BASE);
    }

    @Test
    void eachFurtherFailureDoublesTheDelay() {
        assertThat(FailureCounter.delayAfter(7, 5, BASE, MAX)).isEqualTo(Duration.ofSeconds(2));
        assertThat(FailureCounter.delayAfter(8, 5, BASE, MAX)).isEqualTo(Duration.ofSeconds(4));
        assertThat(FailureCounter.delayAfter(9, 5, BASE, MAX)).isEqualTo(Duration.ofSeconds(8));
        assertThat(FailureCounter.delayAfter(15, 5, BASE, MAX)).isEqualTo(Duration.ofSeconds(512));
    }

    @Test
    void delayIsCappedAtTheMaximum() {
        assertThat(FailureCounter.delayAfter(16, 5, BASE, MAX)).isEqualTo(MAX); // 1024 s > 900 s
        assertThat(FailureCounter.delayAfter(100, 5, BASE, MAX)).isEqualTo(MAX);
        assertThat(FailureCounter.delayAfter(FailureCounter.SATURATION, 5, BASE, MAX)).isEqualTo(MAX);
    }

    @Test
    void baseAboveTheMaximumIsCappedFromTheFirstDelay() {
        assertThat(FailureCounter.delayAfter(6, 5, Duration.ofHours(1), MAX)).isEqualTo(MAX);
    }

    @Test
    void hugeFailureCountsDoNotOverflow() {
        assertThat(FailureCounter.delayAfter(Integer.MAX_VALUE, 5, BASE, MAX)).isEqualTo(MAX);
        assertThat(FailureCounter.delayAfter(Integer.MAX_VALUE, 0, BASE, MAX)).isEqualTo(MAX);
        // a maximum so large that the exponent cap, not the maximum, bounds the delay
        Duration forever = Duration.ofDays(365_000);
        Duration delay = FailureCounter.delayAfter(Integer.MAX_VALUE, 5, Duration.ofMillis(1), forever);
        assertThat(delay).isPositive().isLessThanOrEqualTo(forever);
    }

    @Test
    void delayNeverDecreasesAndStaysWithinBounds() {
        Duration[] maxima = {MAX, Duration.ofDays(365_000), Duration.ofMillis(Long.MAX_VALUE)};
        for (Duration max : maxima) {
            Duration previous = Duration.ZERO;
            for (int failures = 6; failures < 200; failures++) {
                Duration delay = FailureCounter.delayAfter(failures, 5, BASE, max);
                assertThat(delay).as("after %d failures, max %s", failures, max)
                        .isPositive().isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(previous);
                previous = delay;
            }
            assertThat(FailureCounter.delayAfter(Integer.MAX_VALUE, 5, BASE, max)).isGreaterThanOrEqualTo(previous);
        }
    }

    @Test
    void negativeCountsCostNothing() {
        assertThat(FailureCounter.delayAfter(-1, 5, BASE, MAX)).isZero();
        assertThat(FailureCounter.delayAfter(Integer.MIN_VALUE, 5, BASE, MAX)).isZero();
    }

    @Test
    void instanceUsesTheConfiguredAllowanceAndDelays() {
        FailureCounter defaults = new FailureCounter(null, MapConfig.settings(), java.time.Clock.systemUTC());
        assertThat(defaults.delayAfter(5)).isZero();
        assertThat(defaults.delayAfter(6)).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.delayAfter(1000)).isEqualTo(Duration.ofMinutes(15));

        FailureCounter configured = new FailureCounter(null, MapConfig.settings(
                "rempart.signin.free-attempts", "2",
                "rempart.signin.base-delay", "PT5S",
                "rempart.signin.max-delay", "PT1M"), java.time.Clock.systemUTC());
        assertThat(configured.delayAfter(2)).isZero();
        assertThat(configured.delayAfter(3)).isEqualTo(Duration.ofSeconds(5));
        assertThat(configured.delayAfter(4)).isEqualTo(Duration.ofSeconds(10));
        assertThat(configured.delayAfter(10)).isEqualTo(Duration.ofMinutes(1));
    }
}
