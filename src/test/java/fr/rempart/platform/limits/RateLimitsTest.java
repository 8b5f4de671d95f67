package fr.rempart.platform.limits;

import fr.rempart.platform.config.MapConfig;
import fr.rempart.testing.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitsTest {

    @Test
    void aNamedLimitIsOneSetOfBucketsWhereverItIsChargedAndItsRateIsConfigurable() {
        RateLimits limits = new RateLimits(new MovableClock());
        limits.config = MapConfig.of("rempart.limits.reports.per-minute", "3", "rempart.limits.broken.per-minute", "many");
        assertThat(limits.perAddress("reports", 10)).isSameAs(limits.perAddress("reports", 10));
        int granted = 0;
        while (limits.perAddress("reports", 10).tryAcquire("203.0.113.9") && granted < 100) {
            granted++;
        }
        assertThat(granted).as("the configured 3, not the default 10").isEqualTo(3);
        assertThat(limits.perAddress("message-checks", 10).tryAcquire("203.0.113.9")).as("another limit, other buckets").isTrue();
        assertThatThrownBy(() -> limits.perAddress("broken", 10)).hasMessageContaining("rempart.limits.broken.per-minute");
    }
}
