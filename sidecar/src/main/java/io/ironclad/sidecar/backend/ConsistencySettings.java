package io.ironclad.sidecar.backend;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistencyPolicy;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code ironclad.consistency.*}: how long the store retries an object the metadata knows but the
 * object store does not (yet) return, or returns stale or wrong.
 *
 * @param timeout how long such an object is retried before the request fails (503)
 * @param initialBackoff the first wait between two attempts
 * @param maxBackoff the longest wait between two attempts (the wait doubles, jittered)
 */
@ConfigurationProperties("ironclad.consistency")
public record ConsistencySettings(
        @Bindable(defaultValue = "30s") Duration timeout,
        @Bindable(defaultValue = "50ms") Duration initialBackoff,
        @Bindable(defaultValue = "2s") Duration maxBackoff) {

    public ConsistencySettings {
        requireNonNull(timeout, "ironclad.consistency.timeout is null");
        requireNonNull(initialBackoff, "ironclad.consistency.initial-backoff is null");
        requireNonNull(maxBackoff, "ironclad.consistency.max-backoff is null");
    }

    /** The retry policy, jittered by half a backoff as before. */
    ConsistencyPolicy policy() {
        return new ConsistencyPolicy(timeout, initialBackoff, maxBackoff, 0.5);
    }
}
