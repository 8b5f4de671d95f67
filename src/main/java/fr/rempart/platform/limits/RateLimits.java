package fr.rempart.platform.limits;

import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place per-address rate limits come from: each is named by the capability that charges it
 * ({@code limits.perAddress("message-checks", 10)}), its rate configurable as
 * {@code rempart.limits.<name>.per-minute}, and the same name gives the same buckets wherever it is
 * charged (the report form's page and its API share "reports"). Buckets are per node and in memory;
 * sharing them across nodes is to happen here, once, for every limit.
 */
@ApplicationScoped
public class RateLimits {

    private final Map<String, AddressLimiter> limiters = new ConcurrentHashMap<>();
    private Clock clock;
    /** MicroProfile Config (null: the application's, looked up at first use). */
    Config config;

    protected RateLimits() {
    }

    @Inject
    public RateLimits(Clock clock) {
        this.clock = clock;
    }

    /**
     * The per-address limiter called {@code name}: {@code defaultPerMinute} attempts a minute per client
     * address unless {@code rempart.limits.<name>.per-minute} says otherwise (a positive integer; anything
     * else is refused, naming the key).
     */
    public AddressLimiter perAddress(String name, int defaultPerMinute) {
        return limiters.computeIfAbsent(name, n -> new AddressLimiter(perMinute(n, defaultPerMinute), clock));
    }

    /** Sign-in attempts (members' and staff's) per address: {@code rempart.signin.address-attempts-per-minute}. */
    @Produces
    AddressLimiter signIn(Settings settings) {
        return perAddress("signin", settings.signinAddressPerMinute());
    }

    private int perMinute(String name, int fallback) {
        if (config == null) {
            config = ConfigProvider.getConfig();
        }
        String key = "rempart.limits." + name + ".per-minute";
        String value = config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int perMinute = Integer.parseInt(value);
            if (perMinute > 0) {
                return perMinute;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalStateException(key + " must be a positive whole number of attempts a minute");
    }
}
