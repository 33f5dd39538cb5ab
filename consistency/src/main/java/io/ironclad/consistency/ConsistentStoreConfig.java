package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

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
 */
public record ConsistentStoreConfig(ConsistencyPolicy policy, VerificationMode mode, Path cacheDirectory,
        long cacheMaxBytes, int smallObjectBytes) {

    public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;
    public static final int DEFAULT_SMALL_OBJECT_BYTES = 4 << 20;

    public ConsistentStoreConfig {
        requireNonNull(policy, "policy is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(cacheDirectory, "cacheDirectory is null");
        if (cacheMaxBytes < 0 || smallObjectBytes < 0) {
            throw new IllegalArgumentException("cacheMaxBytes and smallObjectBytes must not be negative");
        }
    }

    /** Defaults: {@link ConsistencyPolicy#DEFAULT}, spool mode, 10 GiB cache, 4 MiB small objects. */
    public static ConsistentStoreConfig defaults(Path cacheDirectory) {
        return new ConsistentStoreConfig(ConsistencyPolicy.DEFAULT, VerificationMode.SPOOL, cacheDirectory,
                DEFAULT_CACHE_MAX_BYTES, DEFAULT_SMALL_OBJECT_BYTES);
    }
}
