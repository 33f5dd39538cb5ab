package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import io.ironclad.driver.StorageDriver;
import io.ironclad.faults.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store over a driver with a manual clock that backoff advances, recording its events. */
final class Fixture {

    static final ConsistencyPolicy POLICY = new ConsistencyPolicy(Duration.ofSeconds(5), Duration.ofMillis(50),
            Duration.ofSeconds(1), 0.5);

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final ManualClock clock;
    final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ConsistentStore store;

    Fixture(StorageDriver driver, Path cache, VerificationMode mode, long cacheMaxBytes, int smallObjectBytes) {
        this(new ManualClock(START), driver, cache, mode, cacheMaxBytes, smallObjectBytes);
    }

    Fixture(ManualClock clock, StorageDriver driver, Path cache, VerificationMode mode, long cacheMaxBytes, int smallObjectBytes) {
        this(clock, driver, new ConsistentStoreConfig(POLICY, mode, cache, cacheMaxBytes, smallObjectBytes));
    }

    Fixture(ManualClock clock, StorageDriver driver, ConsistentStoreConfig config) {
        this.clock = clock;
        store = ConsistentStores.create(driver, config, List.of(events::add), registry, clock, clock::advance,
                new SplittableRandom(7));
    }

    long count(ConsistencyEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Digest sha256(byte[] data) {
        Hasher hasher = Hashers.fast(Digest.Algorithm.SHA256);
        hasher.update(data, 0, data.length);
        return hasher.digest();
    }
}
