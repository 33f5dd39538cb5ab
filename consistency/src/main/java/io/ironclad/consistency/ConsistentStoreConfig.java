package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.availability.CircuitBreakerSettings;
import java.nio.file.Path;

/**
 * Settings of a {@link ConsistentStore}.
 *
 * @param policy retry and timeout policy for missing, stale or wrong objects
 * @param mode how reads are verified
 * @param cacheDirectory the verified local cache (content-addressed files); used by spool mode
 * @param cacheMaxBytes size bound of the cache; least recently used files are evicted beyond it
 * @param smallObjectBytes objects up to this size (manifests, configs) are always verified in
 *     memory before the first byte, whatever the mode
 * @param spoolDirectory where a part of an upload is spooled while it is sent, so a transient
 *     failure resends that part alone (one file of at most the driver's part size per upload in
 *     flight, removed once the part is stored); default {@code java.io.tmpdir}
 * @param circuit the backend circuit breaker's settings; default {@link CircuitBreakerSettings#DEFAULT}
 */
public record ConsistentStoreConfig(ConsistencyPolicy policy, VerificationMode mode, Path cacheDirectory,
        long cacheMaxBytes, int smallObjectBytes, Path spoolDirectory, CircuitBreakerSettings circuit) {

    public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;
    public static final int DEFAULT_SMALL_OBJECT_BYTES = 4 << 20;

    public ConsistentStoreConfig {
        requireNonNull(policy, "policy is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(cacheDirectory, "cacheDirectory is null");
        requireNonNull(spoolDirectory, "spoolDirectory is null");
        requireNonNull(circuit, "circuit is null");
        if (cacheMaxBytes < 0 || smallObjectBytes < 0) {
            throw new IllegalArgumentException("cacheMaxBytes and smallObjectBytes must not be negative");
        }
    }

    /** With the default circuit breaker. */
    public ConsistentStoreConfig(ConsistencyPolicy policy, VerificationMode mode, Path cacheDirectory, long cacheMaxBytes,
            int smallObjectBytes, Path spoolDirectory) {
        this(policy, mode, cacheDirectory, cacheMaxBytes, smallObjectBytes, spoolDirectory, CircuitBreakerSettings.DEFAULT);
    }

    /** Parts spooled under {@code java.io.tmpdir}, with the default circuit breaker. */
    public ConsistentStoreConfig(ConsistencyPolicy policy, VerificationMode mode, Path cacheDirectory, long cacheMaxBytes,
            int smallObjectBytes) {
        this(policy, mode, cacheDirectory, cacheMaxBytes, smallObjectBytes, Path.of(System.getProperty("java.io.tmpdir")));
    }

    public ConsistentStoreConfig withSpoolDirectory(Path value) {
        return new ConsistentStoreConfig(policy, mode, cacheDirectory, cacheMaxBytes, smallObjectBytes, value, circuit);
    }

    public ConsistentStoreConfig withCircuit(CircuitBreakerSettings value) {
        return new ConsistentStoreConfig(policy, mode, cacheDirectory, cacheMaxBytes, smallObjectBytes, spoolDirectory, value);
    }

    /** Defaults: {@link ConsistencyPolicy#DEFAULT}, spool mode, 10 GiB cache, 4 MiB small objects. */
    public static ConsistentStoreConfig defaults(Path cacheDirectory) {
        return new ConsistentStoreConfig(ConsistencyPolicy.DEFAULT, VerificationMode.SPOOL, cacheDirectory,
                DEFAULT_CACHE_MAX_BYTES, DEFAULT_SMALL_OBJECT_BYTES);
    }
}
