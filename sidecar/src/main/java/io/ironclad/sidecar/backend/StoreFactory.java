package io.ironclad.sidecar.backend;

import io.ironclad.sidecar.ops.events.DbEventListener;
import io.ironclad.consistency.ConsistencyListener;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.driver.StorageDriver;
import io.ironclad.sidecar.DataDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.List;

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
    StorageDriver storageDriver(Environment environment, DataDirectory data, BackendSettings backend) {
        return ConfiguredDrivers.createForServer(environment, data.path(), backend.startup());
    }

    /** Created at startup so a misconfigured driver stops the process before it listens. */
    @Context
    @Bean(preDestroy = "close")
    ConsistentStore consistentStore(
            StorageDriver driver,
            DataDirectory data,
            ConsistencySettings consistency,
            VerificationSettings verification,
            CacheSettings cache,
            CircuitSettings circuit,
            DbEventListener events,
            MeterRegistry registry) {
        ConsistentStoreConfig config = new ConsistentStoreConfig(consistency.policy(), verification.verificationMode(),
                cache.directory(data), cache.maxBytes(), ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES)
                .withSpoolDirectory(data.path().resolve("tmp")).withCircuit(circuit.toBreaker());
        List<ConsistencyListener> listeners = List.of(events);
        return ConsistentStores.create(driver, config, listeners, registry);
    }
}
