package fr.rempart.platform.limits;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address (per node), one per named limit of {@link RateLimits}: for sign-in
 * it slows a single address spraying passwords over many accounts, which per-account counters alone do not see. The map is
 * bounded: when it grows too big, full buckets (idle addresses) are dropped.
 */
public class AddressLimiter {

    static final int MAX_ADDRESSES = 100_000;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private double capacity;
    private double perNano;
    private long lastEviction;
    private Clock clock;

    protected AddressLimiter() {
    }

    public AddressLimiter(int perMinute, Clock clock) {
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
        this.clock = clock;
    }

    /** The clock's time in nanoseconds: the buckets refill with it, and a test moves it. */
    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public boolean tryAcquire(String address) {
        if (buckets.size() > MAX_ADDRESSES) {
            evict();
        }
        return buckets.computeIfAbsent(address == null ? "?" : address, a -> new Bucket()).take(nanos());
    }

    /**
     * Drops idle addresses, at most once a second; when more than the bound are all active (a wide
     * botnet), starts afresh: the per-account counters keep guarding, and memory stays bounded.
     */
    private synchronized void evict() {
        long now = nanos();
        if (buckets.size() <= MAX_ADDRESSES || now - lastEviction < 1_000_000_000L) {
            return;
        }
        lastEviction = now;
        buckets.values().removeIf(b -> b.full(now));
        if (buckets.size() > MAX_ADDRESSES) {
            buckets.clear();
        }
    }

    private final class Bucket {
        private double tokens = capacity;
        private long last = nanos();

        synchronized boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
        }
    }
}
