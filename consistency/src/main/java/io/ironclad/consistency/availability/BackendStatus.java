package io.ironclad.consistency.availability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of a {@link BackendAvailability}.
 *
 * @param driver the driver's name
 * @param state the breaker's state
 * @param since when the breaker entered {@code state} (the store's start for a breaker never tripped)
 * @param lastFailure the message of the latest outage failure the breaker counted, if any
 * @param retryAfter how long a refused caller should wait before trying again: the rest of the open
 *     wait while {@code OPEN} (at least one second), the open wait while {@code HALF_OPEN}, zero
 *     while {@code CLOSED}
 */
public record BackendStatus(String driver, BackendAvailability.State state, Instant since, Optional<String> lastFailure,
        Duration retryAfter) {

    public BackendStatus {
        requireNonNull(driver, "driver is null");
        requireNonNull(state, "state is null");
        requireNonNull(since, "since is null");
        requireNonNull(lastFailure, "lastFailure is null");
        requireNonNull(retryAfter, "retryAfter is null");
    }

    /** Whether the backend is considered up. */
    public boolean available() {
        return state == BackendAvailability.State.CLOSED;
    }
}
