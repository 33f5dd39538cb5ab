package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long and how often to retry an object that is missing, stale or wrong.
 *
 * @param timeout total time allowed from the first attempt (the ConsistencyTimeout)
 * @param initialBackoff wait before the first retry
 * @param maxBackoff cap of the exponentially growing wait
 * @param jitter fraction (0..1) of each wait that is randomised
 */
public record ConsistencyPolicy(Duration timeout, Duration initialBackoff, Duration maxBackoff, double jitter) {

    public static final ConsistencyPolicy DEFAULT = new ConsistencyPolicy(
            Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(2), 0.5);

    public ConsistencyPolicy {
        requireNonNull(timeout, "timeout is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (timeout.isNegative() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("invalid policy: timeout " + timeout + ", backoff " + initialBackoff + ".." + maxBackoff);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1, got " + jitter);
        }
    }
}
