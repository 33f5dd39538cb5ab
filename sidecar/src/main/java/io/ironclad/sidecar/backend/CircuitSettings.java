package io.ironclad.sidecar.backend;

import io.ironclad.consistency.availability.CircuitBreakerSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code ironclad.backend.circuit.*}: the object store's circuit breaker (see
 * {@link io.ironclad.consistency.availability.BackendAvailability} for what each does).
 *
 * @param enabled off: every request waits out the consistency timeout during an outage, as before
 * @param failureRateThreshold percentage of failed backend calls among the window that opens it
 * @param windowSize how many of the latest backend calls the rate is taken over
 * @param minimumCalls calls the window must hold before the rate counts
 * @param openWait how long requests fail fast before the backend is probed again (also the
 *     {@code Retry-After} of the 503 answers meanwhile)
 * @param halfOpenCalls probe calls let through after the open wait; all must succeed to close it
 */
@ConfigurationProperties("ironclad.backend.circuit")
public record CircuitSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "50") int failureRateThreshold,
        @Bindable(defaultValue = "10") int windowSize,
        @Bindable(defaultValue = "5") int minimumCalls,
        @Bindable(defaultValue = "5s") Duration openWait,
        @Bindable(defaultValue = "1") int halfOpenCalls) {

    /** As the consistency layer takes them; validates them (a bad value stops the start, naming the rule). */
    public CircuitBreakerSettings toBreaker() {
        try {
            return new CircuitBreakerSettings(enabled, failureRateThreshold, windowSize, minimumCalls, openWait, halfOpenCalls);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid ironclad.backend.circuit settings: " + e.getMessage(), e);
        }
    }
}
