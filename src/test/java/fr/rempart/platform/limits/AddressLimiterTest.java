package fr.rempart.platform.limits;

import fr.rempart.testing.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressLimiterTest {

    private final MovableClock clock = new MovableClock();

    @Test
    void addressMayTryPerMinuteTimesThenIsRefused() {
        AddressLimiter limiter = new AddressLimiter(5, clock);
        for (int i = 1; i <= 5; i++) {
            assertThat(limiter.tryAcquire("203.0.113.7")).as("attempt %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire("203.0.113.7")).isFalse();
        assertThat(limiter.tryAcquire("203.0.113.7")).isFalse();
    }

    @Test
    void otherAddressesAreUnaffected() {
        AddressLimiter limiter = new AddressLimiter(3, clock);
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("203.0.113.7");
        }
        assertThat(limiter.tryAcquire("203.0.113.7")).isFalse();
        for (int i = 1; i <= 3; i++) {
            assertThat(limiter.tryAcquire("198.51.100.1")).as("other address, attempt %d", i).isTrue();
            assertThat(limiter.tryAcquire("2001:db8::1")).as("IPv6 address, attempt %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire("198.51.100.1")).isFalse();
    }

    @Test
    void unknownAddressesShareOneBucket() {
        AddressLimiter limiter = new AddressLimiter(2, clock);
        assertThat(limiter.tryAcquire(null)).isTrue();
        assertThat(limiter.tryAcquire(null)).isTrue();
        assertThat(limiter.tryAcquire(null)).isFalse();
        assertThat(limiter.tryAcquire("203.0.113.7")).isTrue();
    }

    @Test
    void tokensComeBackOverTime() {
        AddressLimiter limiter = new AddressLimiter(600, clock); // ten per second
        int granted = 0;
        while (limiter.tryAcquire("203.0.113.7") && granted < 10_000) {
            granted++;
        }
        assertThat(granted).isEqualTo(600);
        clock.advance(java.time.Duration.ofMillis(400)); // four tokens
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("203.0.113.7")).isTrue();
        }
        assertThat(limiter.tryAcquire("203.0.113.7")).isFalse();
    }
}
