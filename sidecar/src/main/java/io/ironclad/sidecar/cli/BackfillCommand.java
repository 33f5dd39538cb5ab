package io.ironclad.sidecar.cli;

import io.ironclad.consistency.IntegrityMetadata;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code backfill}: gives legacy blobs (no integrity metadata) their {@code ironclad-*} metadata
 * in place, so an existing registry's store can be adopted. Each blob's content is hashed first;
 * only a blob whose content matches the digest in its key is stamped, and only the version that
 * was hashed (the driver's update is conditional on its etag). Existing metadata is kept.
 */
final class BackfillCommand {

    static final Set<String> SWITCHES = Set.of("dry-run", "fresh");

    private BackfillCommand() {
    }

    static int run(Options options, Backends backends, Io io) throws CliException {
        Walk walk = StoreWalks.walk("backfill", options);
        boolean dryRun = options.has("dry-run");
        ReadOptions reads = StoreWalks.reads(options);
        try (StorageDriver driver = backends.driver(options.overrides())) {
            if (!dryRun && !driver.capabilities().has(Capability.METADATA_UPDATE)) {
                throw CliException.usage("the " + driver.name() + " driver cannot update metadata in place; backfill needs it");
            }
            Scope scope = StoreWalks.scope(driver, options, backends);
            long started = System.nanoTime();
            Walk.Walked walked = walk.run(scope, blob -> backfill(driver, blob, reads, dryRun),
                    new Progress(io.terminal(), dryRun ? "backfill (dry run)" : "backfill"));
            Tally tally = walked.tally();
            Map<String, Object> summary = Report.walkSummary("backfill", scope, driver.name(), walked, (System.nanoTime() - started) / 1e9);
            summary.put("dryRun", dryRun);
            summary.put(dryRun ? "wouldBackfill" : "backfilled", tally.count(dryRun ? Outcome.WOULD_BACKFILL : Outcome.BACKFILLED));
            summary.put("alreadyPresent", tally.count(Outcome.ALREADY_PRESENT));
            summary.put("corrupt", tally.count(Outcome.CORRUPT));
            summary.put("metadataMismatch", tally.count(Outcome.METADATA_MISMATCH));
            summary.put("errors", tally.count(Outcome.ERROR));
            summary.put("problems", tally.problems());
            Report.write(summary, options.path("report"), io.out());
            return tally.anyBad() ? 1 : 0;
        }
    }

    private static Walk.Result backfill(StorageDriver driver, BlobKeys.Blob blob, ReadOptions reads, boolean dryRun)
            throws StorageException, IOException {
        Optional<Walk.Result> settled = fromMetadata(driver.stat(blob.key(), reads), blob);
        if (settled.isPresent()) {
            return settled.get();
        }
        BlobCheck check = BlobCheck.run(driver, blob, reads);
        if (check.outcome() != Outcome.MISSING_METADATA) {
            // corrupt content is never stamped; metadata that appeared meanwhile is someone else's
            return Walk.Result.of(check);
        }
        Map<String, String> metadata = new HashMap<>(check.info().userMetadata());
        metadata.putAll(new IntegrityMetadata(blob.digest(), check.bytes(), check.info().lastModified()).toUserMetadata());
        PutOptions stamped;
        try {
            stamped = PutOptions.of(metadata);
        } catch (IllegalArgumentException e) {
            return new Walk.Result(Outcome.ERROR, check.bytes(), "existing metadata cannot be carried over (" + e.getMessage()
                    + "); not stamped", false);
        }
        if (dryRun) {
            return new Walk.Result(Outcome.WOULD_BACKFILL, check.bytes(), "", false);
        }
        try {
            driver.updateMetadata(blob.key(), check.info().etag(), stamped);
        } catch (PreconditionFailedException e) {
            return new Walk.Result(Outcome.ERROR, check.bytes(), "overwritten after it was verified, not stamped: " + e.getMessage(), false);
        }
        return new Walk.Result(Outcome.BACKFILLED, check.bytes(), "", false);
    }

    /** A blob whose metadata already decides the outcome, without reading its content. */
    private static Optional<Walk.Result> fromMetadata(ObjectInfo info, BlobKeys.Blob blob) {
        Optional<IntegrityMetadata> metadata;
        try {
            metadata = IntegrityMetadata.from(info);
        } catch (IllegalArgumentException malformed) {
            return Optional.of(new Walk.Result(Outcome.METADATA_MISMATCH, 0, "malformed integrity metadata: " + malformed.getMessage(), false));
        }
        if (metadata.isEmpty()) {
            return Optional.empty();
        }
        if (metadata.get().digest().equals(blob.digest()) && metadata.get().size() == info.size()) {
            return Optional.of(new Walk.Result(Outcome.ALREADY_PRESENT, 0, "", false));
        }
        return Optional.of(new Walk.Result(Outcome.METADATA_MISMATCH, 0, "integrity metadata says " + metadata.get().digest() + " and "
                + metadata.get().size() + " bytes; the key names " + blob.digest() + ", the object has " + info.size() + " bytes", false));
    }
}
