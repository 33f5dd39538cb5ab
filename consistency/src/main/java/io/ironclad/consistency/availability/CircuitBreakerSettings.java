package io.ironclad.consistency.availability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the backend circuit breaker decides (see {@link BackendAvailability}).
 *
 * @param enabled off: calls always go through (failures are still counted and reported), so an
 *     outage costs every request the consistency timeout, as before the breaker existed
 * @param failureRateThreshold percentage (1..100) of failed calls among the window that opens it
 * @param windowSize how many of the latest calls the failure rate is taken over
 * @param minimumCalls calls the window must hold before the rate counts (1..windowSize)
 * @param openWait how long it stays open before letting probes through
 * @param halfOpenCalls probe calls let through when half open; all must succeed to close it
 */
public record CircuitBreakerSettings(boolean enabled, int failureRateThreshold, int windowSize, int minimumCalls,
        Duration openWait, int halfOpenCalls) {

    /** On; opens when half of the last 10 calls (at least 5) failed; probes after 5 s with one call. */
    public static final CircuitBreakerSettings DEFAULT = new CircuitBreakerSettings(true, 50, 10, 5, Duration.ofSeconds(5), 1);

    public CircuitBreakerSettings {
        requireNonNull(openWait, "openWait is null");
        if (failureRateThreshold < 1 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be within 1..100, got " + failureRateThreshold);
        }
        if (windowSize < 1 || minimumCalls < 1 || minimumCalls > windowSize) {
            throw new IllegalArgumentException("need 1 <= minimumCalls <= windowSize, got " + minimumCalls + " and " + windowSize);
        }
        if (openWait.isNegative() || openWait.isZero()) {
            throw new IllegalArgumentException("openWait must be positive, got " + openWait);
        }
        if (halfOpenCalls < 1) {
            throw new IllegalArgumentException("halfOpenCalls must be at least 1, got " + halfOpenCalls);
        }
    }

    public CircuitBreakerSettings withEnabled(boolean value) {
        return new CircuitBreakerSettings(value, failureRateThreshold, windowSize, minimumCalls, openWait, halfOpenCalls);
    }

    public CircuitBreakerSettings withOpenWait(Duration value) {
        return new CircuitBreakerSettings(enabled, failureRateThreshold, windowSize, minimumCalls, value, halfOpenCalls);
    }
}
