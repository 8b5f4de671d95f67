package fr.rempart.signin;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failed sign-ins per scope, with progressive delay: the first {@code free-attempts} failures cost
 * nothing, then each failure locks the scope for base × 2^k, capped at {@code max-delay}. The counter
 * is updated atomically in the database (row lock, one transaction), so nodes never erase each
 * other's failures, and the arithmetic is bounded: the count saturates and the exponent is capped.
 */
@ApplicationScoped
public class FailureCounter {

    static final int SATURATION = 10_000;

    private Jdbc jdbc;
    private int free;
    private Duration base;
    private Duration max;
    private Duration memory;

    protected FailureCounter() {
    }

    @Inject
    public FailureCounter(Jdbc jdbc, Settings settings) {
        this.jdbc = jdbc;
        this.free = settings.signinFreeAttempts();
        this.base = settings.signinBaseDelay();
        this.max = settings.signinMaxDelay();
        this.memory = settings.signinFailureMemory();
    }

    /** The instant until which the scope is locked, if it is locked now. */
    public Optional<Instant> lockedUntil(String scope) {
        Instant now = Instant.now();
        return jdbc.one("select locked_until from signin_failure where scope_key = ?", r -> Jdbc.instant(r, "locked_until"), scope)
                .filter(until -> until != null && until.isAfter(now));
    }

    /** Counts a failure and returns the new count. */
    public int recordFailure(String scope) {
        Instant now = Instant.now();
        return jdbc.transaction(c -> {
            int updated = Jdbc.execute(c, "update signin_failure set failures = case when last_failure_at < ? then 1 else least(failures + 1, ?) end, "
                    + "last_failure_at = ? where scope_key = ?", now.minus(memory), SATURATION, now, scope);
            if (updated == 0) {
                var savepoint = c.setSavepoint();
                try {
                    Jdbc.execute(c, "insert into signin_failure (scope_key, failures, last_failure_at) values (?, 1, ?)", scope, now);
                } catch (java.sql.SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                    c.rollback(savepoint);
                    // A concurrent first failure inserted the row: count ours on top of it.
                    Jdbc.execute(c, "update signin_failure set failures = least(failures + 1, ?), last_failure_at = ? where scope_key = ?",
                            SATURATION, now, scope);
                }
            }
            int failures;
            try (var s = Jdbc.prepare(c, "select failures from signin_failure where scope_key = ?", scope); var r = s.executeQuery()) {
                r.next();
                failures = r.getInt(1);
            }
            Duration delay = delayAfter(failures);
            if (!delay.isZero()) {
                Jdbc.execute(c, "update signin_failure set locked_until = ? where scope_key = ?", now.plus(delay), scope);
            }
            return failures;
        });
    }

    public void reset(String scope) {
        jdbc.update("delete from signin_failure where scope_key = ?", scope);
    }

    /** base × 2^(failures − free − 1), never more than max; zero while failures ≤ free. */
    Duration delayAfter(int failures) {
        return delayAfter(failures, free, base, max);
    }

    static Duration delayAfter(int failures, int free, Duration base, Duration max) {
        if (failures <= free) {
            return Duration.ZERO;
        }
        int exponent = Math.min(failures - free - 1, 30);
        long millis = base.toMillis();
        long delay = millis > max.toMillis() >> exponent ? max.toMillis() : millis << exponent;
        return Duration.ofMillis(Math.min(delay, max.toMillis()));
    }
}
