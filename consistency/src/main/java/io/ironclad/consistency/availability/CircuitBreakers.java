package io.ironclad.consistency.availability;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.StorageDriver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Puts a driver behind a circuit breaker. */
public final class CircuitBreakers {

    /**
     * A driver whose every backend call passes the breaker, and the breaker's view of the backend.
     *
     * @param driver use this instead of the raw driver; closing it closes the raw driver
     * @param availability the breaker
     */
    public record Guarded(StorageDriver driver, BackendAvailability availability) {
        public Guarded {
            requireNonNull(driver, "driver is null");
            requireNonNull(availability, "availability is null");
        }
    }

    private CircuitBreakers() {
    }

    /**
     * Guards {@code driver}; registers the gauge {@code ironclad.backend.available} and the counter
     * {@code ironclad.backend.unavailable} (see {@link io.ironclad.consistency.ConsistencyMeters})
     * in {@code registry}. Its {@link BackendAvailability#probe()} looks up a probe key with a
     * plain read.
     */
    public static Guarded guard(StorageDriver driver, CircuitBreakerSettings settings, Clock clock, MeterRegistry registry) {
        requireNonNull(driver, "driver is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(registry, "registry is null");
        BreakerAvailability breaker = new BreakerAvailability(driver.name(), settings, clock, registry,
                () -> BackendProbe.ask(driver));
        return new Guarded(new CircuitBreakingDriver(driver, breaker), breaker);
    }
}
