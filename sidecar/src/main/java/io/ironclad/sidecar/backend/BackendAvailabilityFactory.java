package io.ironclad.sidecar.backend;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.availability.BackendAvailability;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Exposes the store's circuit breaker as a bean: inject {@link BackendAvailability} to ask whether
 * the object store is up ({@link BackendAvailability#isOpen()}) or to hear it go down and come back.
 */
@Factory
final class BackendAvailabilityFactory {

    @Singleton
    BackendAvailability backendAvailability(ConsistentStore store) {
        return store.availability();
    }
}
