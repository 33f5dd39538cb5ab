package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * The clock the cache judges tag age and staleness by; a bean of its own so a test can replace
 * it ({@code @Replaces}) and move time instead of waiting for a TTL.
 */
public record ProxyClock(Clock clock) {
    public ProxyClock {
        requireNonNull(clock, "clock is null");
    }
}
