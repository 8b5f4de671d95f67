package fr.rempart.platform.limits;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sign-in attempts per scope, with progressive delay: the first {@code free-attempts} failures cost
 * nothing, then each failure locks the scope for base × 2^k, capped at {@code max-delay}. The counter
 * is updated atomically in the database (row lock, one transaction), so nodes never erase each
 * other's failures, and the arithmetic is bounded: the count saturates and the exponent is capped.
 */
@ApplicationScoped
public class FailureCounter {

    private Clock clock;

    static final int SATURATION = 10_000;

    private Jdbc jdbc;
    private int free;
    private Duration base;
    private Duration max;
    private Duration memory;

    protected FailureCounter() {
    }

    @Inject
    public FailureCounter(Jdbc jdbc, Settings settings, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.free = settings.signinFreeAttempts();
        this.base = settings.signinBaseDelay();
        this.max = settings.signinMaxDelay();
        this.memory = settings.signinFailureMemory();
    }

    /**
     * Takes one attempt for the scope, counted as a failure until {@link #reset} says it succeeded,
     * or refuses it while the scope is locked. Counting before the password is checked means that
     * guesses sent together cannot slip through in the time one hash takes: once the free attempts
     * are used, each attempt locks the scope for the next one.
     */
    public boolean tryAttempt(String scope) {
        Instant now = clock.instant();
        return jdbc.transaction(c -> {
            int updated = Jdbc.execute(c, "update signin_failure set failures = case when last_failure_at < ? then 1 else least(failures + 1, ?) end, "
                    + "last_failure_at = ? where scope_key = ? and (locked_until is null or locked_until <= ?)",
                    now.minus(memory), SATURATION, now, scope, now);
            if (updated == 0) {
                var savepoint = c.setSavepoint();
                try {
                    Jdbc.execute(c, "insert into signin_failure (scope_key, failures, last_failure_at) values (?, 1, ?)", scope, now);
                } catch (java.sql.SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                    // The row exists and is locked (or a concurrent first attempt just created it).
                    c.rollback(savepoint);
                    return false;
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
            return true;
        });
    }

    /** Whether the scope is locked now (read only: counts nothing). */
    public boolean locked(String scope) {
        return jdbc.one("select 1 from signin_failure where scope_key = ? and locked_until > ?", r -> 1, scope, clock.instant()).isPresent();
    }

    /** Current failures of the scope (for the audit trail). */
    public int failures(String scope) {
        return jdbc.one("select failures from signin_failure where scope_key = ?", r -> r.getInt(1), scope).orElse(0);
    }

    /** Forgets old failures and expired locks (housekeeping). */
    public int purge() {
        Instant now = clock.instant();
        return jdbc.update("delete from signin_failure where last_failure_at < ? and (locked_until is null or locked_until < ?)", now.minus(memory), now);
    }

    public void reset(String scope) {
        jdbc.update("delete from signin_failure where scope_key = ?", scope);
    }

    /** A scope locked now: its key, failures and the end of the lock. */
    public record Lock(String scope, int failures, java.time.Instant until) {
    }

    /** The scopes among these (exact keys, or {@code prefix%}) locked now, the longest lock first. */
    public java.util.List<Lock> locked(java.util.Collection<String> scopes, String prefix) {
        return jdbc.list("select scope_key, failures, locked_until from signin_failure where (scope_key = any(?) or scope_key like ?) "
                        + "and locked_until > ? order by locked_until desc", r -> new Lock(r.getString(1), r.getInt(2), Jdbc.instant(r, "locked_until")),
                Jdbc.array("varchar", scopes), prefix + "%", clock.instant());
    }

    /** Forgets the failures and locks of these scopes (exact keys, or {@code prefix%}), in the caller's transaction. */
    public int reset(java.util.Collection<String> scopes, String prefix) {
        return jdbc.update("delete from signin_failure where scope_key = any(?) or scope_key like ?", Jdbc.array("varchar", scopes), prefix + "%");
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
