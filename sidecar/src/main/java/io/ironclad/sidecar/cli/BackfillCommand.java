package io.ironclad.sidecar.cli;

import io.ironclad.consistency.IntegrityMetadata;
import io.ironclad.consistency.MetadataVerdict;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code backfill}: gives legacy blobs (no integrity metadata) their {@code ironclad-*} metadata
 * in place, so an existing registry's store can be adopted. Each blob's content is hashed first;
 * only a blob whose content matches the digest in its key is stamped, and only the version that
 * was hashed (the driver's update is conditional on its etag). Existing metadata is kept.
 */
@Command(name = "backfill", sortOptions = false, usageHelpAutoWidth = true,
        description = "Give legacy blobs (no integrity metadata) Ironclad's metadata in place, after checking their content.")
final class BackfillCommand implements Callable<Integer> {

    @ParentCommand
    IroncladCommand root;

    @Mixin
    HelpFlag help;

    @Mixin
    WalkFlags walkFlags;

    @Option(names = "--dry-run", description = "change nothing; report what would be stamped")
    boolean dryRun;

    @Mixin
    ReportFlag report;

    @Mixin
    ServerFlags server;

    @Mixin
    StoreFlags store;

    @Override
    public Integer call() throws CliException {
        Backends backends = root.backends();
        Optional<URI> remote = server.target(store, backends);
        if (remote.isPresent()) {
            List<String> args = new ArrayList<>(walkFlags.serverArgs());
            if (dryRun) {
                args.add("--dry-run");
            }
            return new RemoteRun(remote.get()).run("backfill", args, report.file(), root.io());
        }
        Walk walk = walkFlags.walk("backfill");
        ReadOptions reads = walkFlags.reads();
        Map<String, Object> overrides = store.overrides();
        try (StorageDriver driver = backends.driver(overrides)) {
            if (!dryRun && !driver.capabilities().has(Capability.METADATA_UPDATE)) {
                throw CliException.usage("the " + driver.name() + " driver cannot update metadata in place; backfill needs it");
            }
            Scope scope = walkFlags.scope(driver, backends, overrides);
            long started = System.nanoTime();
            Walk.Walked walked = walk.run(scope, blob -> backfill(driver, blob, reads, dryRun),
                    new Progress(root.io().terminal(), dryRun ? "backfill (dry run)" : "backfill"));
            Tally tally = walked.tally();
            Map<String, Object> summary = Report.walkSummary("backfill", scope, driver.name(), walked, (System.nanoTime() - started) / 1e9);
            summary.put("dryRun", dryRun);
            summary.put(dryRun ? "wouldBackfill" : "backfilled", tally.count(dryRun ? Outcome.WOULD_BACKFILL : Outcome.BACKFILLED));
            summary.put("alreadyPresent", tally.count(Outcome.ALREADY_PRESENT));
            summary.put("corrupt", tally.count(Outcome.CORRUPT));
            summary.put("metadataMismatch", tally.count(Outcome.METADATA_MISMATCH));
            summary.put("errors", tally.count(Outcome.ERROR));
            summary.put("problems", tally.problems());
            Report.write(summary, report.file(), root.io().out());
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
        MetadataVerdict verdict = MetadataVerdict.judge(info, blob.digest(), info.size());
        return switch (verdict.outcome()) {
            case ABSENT -> Optional.empty();
            case AGREES -> Optional.of(new Walk.Result(Outcome.ALREADY_PRESENT, 0, "", false));
            case MALFORMED, DISAGREES -> Optional.of(new Walk.Result(Outcome.METADATA_MISMATCH, 0, verdict.detail(), false));
        };
    }
}
