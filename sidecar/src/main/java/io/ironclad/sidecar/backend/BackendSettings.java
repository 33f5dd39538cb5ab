package io.ironclad.sidecar.backend;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code ironclad.backend.*}: how the sidecar treats an object store it cannot reach.
 *
 * @param startup what to do when the store cannot be reached at start, the same for every driver
 */
@ConfigurationProperties("ironclad.backend")
public record BackendSettings(@Bindable(defaultValue = "degraded") StartupPolicy startup) {

    /** The policy for a store that cannot be reached when the sidecar starts. */
    public enum StartupPolicy {
        /**
         * Start anyway: one WARN line names the driver and the failure, the circuit breaker starts
         * open (requests that need the store answer 503 + Retry-After at once; HEADs, tags and
         * cached blobs are served), {@code /health} shows {@code store} DEGRADED until the store
         * answers, and the breaker closes by itself when it does.
         */
        DEGRADED,
        /** Stop the start with one line naming the driver and the failure (exit status non-zero). */
        REFUSE
    }
}
