package io.ironclad.sidecar.cli.importer;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ironclad import} was asked to do.
 *
 * @param root where distribution's {@code docker/registry/v2/} tree starts in the store (its
 *     Swift driver uses {@code files/}, an S3 {@code rootdirectory} its own prefix); empty: found at
 *     the store's root or under {@code files/}
 * @param checkpoint where to keep the checkpoint, if anywhere: a run with the same file continues
 *     after the last repository it completed
 * @param report where to write the JSON summary instead of stdout
 * @param parallel blobs hashed at once
 * @param pageSize keys per listing page
 * @param fresh read with the driver's freshness read (Swift {@code X-Newest}, the S3 freshness endpoint)
 * @param overrides the {@code ironclad.*} settings the store and database flags name
 */
public record ImportOptions(Optional<String> root, Optional<Path> checkpoint, Optional<Path> report, int parallel, int pageSize,
        boolean fresh, Map<String, Object> overrides) {

    public ImportOptions {
        requireNonNull(root, "root is null");
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(report, "report is null");
        overrides = Map.copyOf(overrides);
        root = root.map(r -> r.isEmpty() || r.endsWith("/") ? r : r + "/");
        if (parallel < 1 || pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("parallel must be at least 1 and page size 1..10000");
        }
    }
}
