package fr.rempart.platform.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/**
 * The clock every bean takes its time from ({@code @Inject Clock}): UTC from the system. Tests give
 * the same classes a clock they move instead of sleeping.
 */
@ApplicationScoped
public class SystemClock {

    @Produces
    Clock clock() {
        return Clock.systemUTC();
    }
}
