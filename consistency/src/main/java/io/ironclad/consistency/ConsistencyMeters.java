package io.ironclad.consistency;

/**
 * Names of the Micrometer meters a {@link ConsistentStore} registers; dashboards and alert rules
 * use these (Prometheus turns dots into underscores and adds {@code _total} / {@code _seconds}).
 */
public final class ConsistencyMeters {

    /** Counter of {@link ConsistencyEvent}s, tagged {@link #TAG_KIND}, {@link #TAG_DRIVER}, {@link #TAG_OPERATION}. */
    public static final String EVENTS = "ironclad.consistency.events";
    /**
     * Timer (with histogram) of time spent waiting for an object to become visible and correct,
     * recorded once per operation that had to retry, tagged {@link #TAG_DRIVER}, {@link #TAG_OPERATION}.
     */
    public static final String WAIT = "ironclad.consistency.wait";
    /** Counter of reads served from the verified local cache without touching the store, tagged {@link #TAG_DRIVER}. */
    public static final String CACHE_HITS = "ironclad.cache.hits";
    /** Counter of spool-mode reads that had to fetch from the store, tagged {@link #TAG_DRIVER}. */
    public static final String CACHE_MISSES = "ironclad.cache.misses";
    /** Counter of files evicted from the verified cache to stay under its size bound, tagged {@link #TAG_DRIVER}. */
    public static final String CACHE_EVICTIONS = "ironclad.cache.evictions";
    /** Gauge of bytes held in the verified cache, tagged {@link #TAG_DRIVER}. */
    public static final String CACHE_BYTES = "ironclad.cache.bytes";

    /**
     * Gauge, 1 while the backend's circuit breaker is closed and 0 while it is open or half open
     * (see {@link io.ironclad.consistency.availability.BackendAvailability}), tagged {@link #TAG_DRIVER}.
     */
    public static final String BACKEND_AVAILABLE = "ironclad.backend.available";
    /**
     * Counter of driver calls that met a down backend, tagged {@link #TAG_DRIVER}, {@link #TAG_OPERATION}
     * and {@link #TAG_OUTCOME}: {@code failed} (the call was sent and failed: connection refused or
     * reset, connect timeout, 5xx) or {@code refused} (not sent: the circuit breaker was open).
     */
    public static final String BACKEND_UNAVAILABLE = "ironclad.backend.unavailable";

    /** Lower-case {@link ConsistencyEvent.Kind}, e.g. {@code retry}, {@code integrity_refusal}. */
    public static final String TAG_KIND = "kind";
    /** The driver's {@link io.ironclad.driver.StorageDriver#name()}. */
    public static final String TAG_DRIVER = "driver";
    /** {@code stat}, {@code open}, {@code put}, {@code complete} or {@code barrier}. */
    public static final String TAG_OPERATION = "operation";
    /** Of {@link #BACKEND_UNAVAILABLE}: {@code failed} or {@code refused}. */
    public static final String TAG_OUTCOME = "outcome";

    private ConsistencyMeters() {
    }
}
