package io.ironclad.sidecar.cli;

import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code verify}: hashes every blob in scope and compares it with the digest in its key and with
 * its integrity metadata; with {@code --quarantine} moves corrupt blobs to {@code quarantine/}.
 */
final class VerifyCommand {

    static final Set<String> SWITCHES = Set.of("quarantine", "fresh");

    private VerifyCommand() {
    }

    static int run(Options options, Backends backends, Io io) throws CliException {
        Walk walk = StoreWalks.walk("verify", options);
        boolean quarantine = options.has("quarantine");
        ReadOptions reads = StoreWalks.reads(options);
        try (StorageDriver driver = backends.driver(options.overrides())) {
            Scope scope = StoreWalks.scope(driver, options, backends);
            long started = System.nanoTime();
            Walk.Walked walked = walk.run(scope, blob -> {
                BlobCheck check = BlobCheck.run(driver, blob, reads);
                if (!quarantine || check.outcome() != Outcome.CORRUPT) {
                    return Walk.Result.of(check);
                }
                Optional<String> kept = Quarantine.move(driver, check);
                return new Walk.Result(check.outcome(), check.bytes(), check.detail() + kept.map(why -> "; " + why)
                        .orElse("; moved to " + Quarantine.keyOf(blob.key())), kept.isEmpty());
            }, new Progress(io.terminal(), "verify"));
            Tally tally = walked.tally();
            Map<String, Object> summary = Report.walkSummary("verify", scope, driver.name(), walked, (System.nanoTime() - started) / 1e9);
            summary.put("ok", tally.count(Outcome.OK) + tally.count(Outcome.MISSING_METADATA));
            summary.put("corrupt", tally.count(Outcome.CORRUPT));
            summary.put("missingMetadata", tally.count(Outcome.MISSING_METADATA));
            summary.put("metadataMismatch", tally.count(Outcome.METADATA_MISMATCH));
            summary.put("errors", tally.count(Outcome.ERROR));
            summary.put("quarantined", tally.quarantinedCount());
            summary.put("problems", tally.problems());
            Report.write(summary, options.path("report"), io.out());
            return tally.anyBad() ? 1 : 0;
        }
    }
}
