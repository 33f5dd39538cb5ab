package io.ironclad.sidecar.backend;

import io.ironclad.sidecar.ops.events.DbEventListener;
import io.ironclad.consistency.ConsistencyListener;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.driver.StorageDriver;
import io.ironclad.sidecar.backend.BackendSettings;
import io.ironclad.sidecar.backend.CircuitSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Builds the storage driver named by {@code ironclad.driver.type} and the {@link ConsistentStore} over it. */
@Factory
final class StoreFactory {

    /**
     * The raw driver; the store closes it, so it has no destroy hook of its own. With
     * {@code ironclad.driver.type=provided} the embedding application (or a test sharing one
     * store between two instances) registers the {@link StorageDriver} bean itself.
     */
    @Singleton
    @Requires(property = "ironclad.driver.type", notEquals = "provided")
    StorageDriver storageDriver(Environment environment, @Value("${ironclad.data-dir:./data}") String dataDir, BackendSettings backend) {
        return ConfiguredDrivers.createForServer(environment, Path.of(dataDir), backend.startup());
    }

    /** Created at startup so a misconfigured driver stops the process before it listens. */
    @Context
    @Bean(preDestroy = "close")
    ConsistentStore consistentStore(
            StorageDriver driver,
            @Value("${ironclad.data-dir:./data}") String dataDir,
            @Value("${ironclad.consistency.timeout:30s}") Duration timeout,
            @Value("${ironclad.consistency.initial-backoff:50ms}") Duration initialBackoff,
            @Value("${ironclad.consistency.max-backoff:2s}") Duration maxBackoff,
            @Value("${ironclad.verification-mode:spool}") String mode,
            @Value("${ironclad.cache.dir:}") String cacheDir,
            @Value("${ironclad.cache.max-bytes:10737418240}") long cacheMaxBytes,
            CircuitSettings circuit,
            DbEventListener events,
            MeterRegistry registry) {
        Path data = Path.of(dataDir);
        Path cache = cacheDir.isBlank() ? data.resolve("cache") : Path.of(cacheDir);
        ConsistentStoreConfig config = new ConsistentStoreConfig(new ConsistencyPolicy(timeout, initialBackoff, maxBackoff, 0.5),
                VerificationMode.valueOf(mode.toUpperCase(Locale.ROOT)), cache, cacheMaxBytes,
                ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES).withSpoolDirectory(data.resolve("tmp")).withCircuit(circuit.toBreaker());
        List<ConsistencyListener> listeners = List.of(events);
        return ConsistentStores.create(driver, config, listeners, registry);
    }
}
