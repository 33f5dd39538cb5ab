package io.ironclad.consistency.availability;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ObjectKey;
import java.time.Duration;

/**
 * A call refused by the circuit breaker without reaching the backend, because the backend is
 * considered down ({@link BackendAvailability#isOpen()}). The store throws it at once instead of
 * retrying: the request fails fast (HTTP 503 with {@code Retry-After: }{@link #retryAfter()}).
 * Nothing was sent, so a write refused this way certainly did not happen.
 */
public final class CircuitOpenException extends BackendUnavailableException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public CircuitOpenException(String driver, ObjectKey key, String message, Duration retryAfter) {
        super(driver, key, message);
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
    }

    /** How long the caller should wait before trying again (the rest of the open wait). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
