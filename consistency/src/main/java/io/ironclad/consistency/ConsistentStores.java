package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.consistency.availability.CircuitBreakers;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Creates {@link ConsistentStore}s. */
public final class ConsistentStores {

    /** Names the breaker itself in events about it. */
    private static final ObjectKey CIRCUIT = ObjectKey.of("ironclad-health/circuit");

    private static final System.Logger LOG = System.getLogger(ConsistentStores.class.getName());

    private ConsistentStores() {
    }

    /**
     * A store over {@code driver} that reports events to {@code listeners} and meters (see
     * {@link ConsistencyMeters}) to {@code registry}, waiting in real time. Every driver call passes
     * a circuit breaker ({@link ConsistentStore#availability()}, configured by
     * {@link ConsistentStoreConfig#circuit()}). Closing the store closes the driver.
     */
    public static ConsistentStore create(StorageDriver driver, ConsistentStoreConfig config,
            List<ConsistencyListener> listeners, MeterRegistry registry) {
        return create(driver, config, listeners, registry, Clock.systemUTC(), Sleeper.SYSTEM, new SplittableRandom());
    }

    /**
     * As {@link #create(StorageDriver, ConsistentStoreConfig, List, MeterRegistry)} with an
     * injected clock, sleeper and jitter source: tests pass a fake clock whose sleeper advances it,
     * so backoff costs no real time.
     */
    public static ConsistentStore create(StorageDriver driver, ConsistentStoreConfig config,
            List<ConsistencyListener> listeners, MeterRegistry registry, Clock clock, Sleeper sleeper, RandomGenerator random) {
        requireNonNull(driver, "driver is null");
        requireNonNull(config, "config is null");
        requireNonNull(listeners, "listeners is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(sleeper, "sleeper is null");
        requireNonNull(random, "random is null");
        EventSink events = new EventSink(driver.name(), listeners, registry, clock);
        CircuitBreakers.Guarded guarded = CircuitBreakers.guard(driver, config.circuit(), clock, registry);
        guarded.availability().addListener((previous, status) -> {
            if (status.state() == BackendAvailability.State.OPEN && previous == BackendAvailability.State.CLOSED) {
                events.emit(ConsistencyEvent.Kind.BACKEND_UNAVAILABLE, "circuit", CIRCUIT, 0, Duration.ZERO,
                        "circuit breaker opened: requests that need the backend fail fast for " + config.circuit().openWait().toSeconds()
                                + " s, then it is probed; last failure: " + status.lastFailure().orElse("none recorded"));
            }
        });
        if (!Hashers.resumableAtJdkSpeed()) {
            LOG.log(System.Logger.Level.INFO, "SHA-256 uploads hash with Bouncy Castle (~9 x slower than the JDK's): run with"
                    + " --add-opens java.base/sun.security.provider=ALL-UNNAMED, as the sidecar jar's manifest does");
        }
        return new DefaultConsistentStore(guarded.driver(), driver, guarded.availability(), config, events, clock, sleeper, random);
    }
}
