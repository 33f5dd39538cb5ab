package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.StorageDriver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Creates {@link ConsistentStore}s. */
public final class ConsistentStores {

    private ConsistentStores() {
    }

    /**
     * A store over {@code driver} that reports events to {@code listeners} and meters (see
     * {@link ConsistencyMeters}) to {@code registry}, waiting in real time. Closing the store closes the driver.
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
        return new DefaultConsistentStore(driver, config, events, clock, sleeper, random);
    }
}
