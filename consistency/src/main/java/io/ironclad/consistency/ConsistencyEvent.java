package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * Something the store did to hide or expose the backend's inconsistency.
 *
 * @param kind what happened
 * @param driver the driver's name
 * @param operation {@code stat}, {@code open}, {@code put}, {@code complete} or {@code barrier}
 * @param key the object key
 * @param attempt 1-based attempt number within the operation
 * @param elapsed time since the operation started
 * @param detail a human-readable reason (e.g. "size 10 != expected 12")
 * @param at when it happened
 */
public record ConsistencyEvent(Kind kind, String driver, String operation, String key, int attempt,
        Duration elapsed, String detail, Instant at) {

    /** Event kinds; metric and API names are the lower-case forms. */
    public enum Kind {
        RETRY, FRESHNESS_FETCH, STALE_METADATA, INTEGRITY_REFUSAL, TIMEOUT, LEGACY_VERIFIED,
        /**
         * The backend is down, not behind: an attempt failed with a
         * {@link io.ironclad.driver.BackendUnavailableException} (connection refused or reset,
         * connect timeout, 5xx; {@code detail} says which), or the circuit breaker opened
         * (operation {@code circuit}). Such failures are never reported as {@code RETRY},
         * {@code FRESHNESS_FETCH} or {@code TIMEOUT}, so they never count as replication lag.
         */
        BACKEND_UNAVAILABLE,
        /** pull-through cache: the upstream failed (driver {@code proxy:<upstream>}, operation the failure's kind) */
        UPSTREAM_ERROR,
        /** pull-through cache: a cached tag was served while the upstream failed (elapsed: how stale) */
        STALE_SERVED,
        /** pull-through cache: the upstream was asked for a tag past its TTL (operation: the outcome) */
        TAG_REFRESH
    }

    public ConsistencyEvent {
        requireNonNull(kind, "kind is null");
        requireNonNull(driver, "driver is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(key, "key is null");
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(at, "at is null");
    }
}
