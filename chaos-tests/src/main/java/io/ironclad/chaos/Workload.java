package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What the clients do. Each client loops until {@code operations} operations are recorded in
 * all: push an image (config + 1..maxLayers layers, some from a pool shared across
 * repositories) under one of its own tags (a new one, or an overwrite), then pull one of its
 * tags back (the one just pushed with {@code pullLatestProbability}, else an older one).
 *
 * @param clients concurrent clients
 * @param operations total operations to record (the run stops starting new images after that)
 * @param seed everything random derives from it
 * @param sizes layer size distribution
 * @param chunkSize bytes per PATCH
 * @param repositories number of repositories under {@code namespace}
 * @param sharedLayers size of the pool of layers shared across repositories
 * @param sharedProbability chance a layer comes from the shared pool
 * @param maxLayers layers per image, drawn from 1..maxLayers
 * @param overwriteProbability chance an image overwrites one of the client's tags in that repository
 * @param pullLatestProbability chance the pull reads the tag just pushed (read-after-write)
 * @param namespace repository name prefix
 * @param timeout per HTTP request
 */
record Workload(int clients, long operations, long seed, List<SizeWeight> sizes, long chunkSize, int repositories,
        int sharedLayers, double sharedProbability, int maxLayers, double overwriteProbability,
        double pullLatestProbability, String namespace, Duration timeout) {

    static final String DEFAULT_SIZES = "4k:6,256k:3,6m:1";

    Workload {
        requireNonNull(sizes, "sizes is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(timeout, "timeout is null");
        if (clients < 1 || operations < 1 || chunkSize < 1 || repositories < 1 || sharedLayers < 1 || maxLayers < 1) {
            throw new IllegalArgumentException("clients, operations, chunk size, repositories, shared layers and max layers must be >= 1");
        }
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("sizes is empty");
        }
        sizes = List.copyOf(sizes);
    }

    static Workload defaults(int clients, long operations, long seed) {
        return new Workload(clients, operations, seed, SizeWeight.parseList(DEFAULT_SIZES), 2L << 20, 4, 8, 0.3, 3, 0.3, 0.7,
                "chaos", Duration.ofMinutes(2));
    }
}
