package io.ironclad.sidecar.cli;

import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code verify}: hashes every blob in scope and compares it with the digest in its key and with
 * its integrity metadata; with {@code --quarantine} moves corrupt blobs to {@code quarantine/}.
 */
@Command(name = "verify", sortOptions = false, usageHelpAutoWidth = true,
        description = "Hash every blob in scope and check it against the digest in its key and its integrity metadata.")
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    IroncladCommand root;

    @Mixin
    HelpFlag help;

    @Mixin
    WalkFlags walkFlags;

    @Option(names = "--quarantine", description = "move corrupt blobs to quarantine/<key> (copied, checked, then the original deleted)")
    boolean quarantine;

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
            List<String> args = new java.util.ArrayList<>(walkFlags.serverArgs());
            if (quarantine) {
                args.add("--quarantine");
            }
            return new RemoteRun(remote.get()).run("verify", args, report.file(), root.io());
        }
        Walk walk = walkFlags.walk("verify");
        ReadOptions reads = walkFlags.reads();
        Map<String, Object> overrides = store.overrides();
        try (StorageDriver driver = backends.driver(overrides)) {
            Scope scope = walkFlags.scope(driver, backends, overrides);
            long started = System.nanoTime();
            Walk.Walked walked = walk.run(scope, blob -> {
                BlobCheck check = BlobCheck.run(driver, blob, reads);
                if (!quarantine || check.outcome() != Outcome.CORRUPT) {
                    return Walk.Result.of(check);
                }
                Optional<String> kept = Quarantine.move(driver, check);
                return new Walk.Result(check.outcome(), check.bytes(), check.detail() + kept.map(why -> "; " + why)
                        .orElse("; moved to " + Quarantine.keyOf(blob.key())), kept.isEmpty());
            }, new Progress(root.io().terminal(), "verify"));
            Tally tally = walked.tally();
            Map<String, Object> summary = Report.walkSummary("verify", scope, driver.name(), walked, (System.nanoTime() - started) / 1e9);
            summary.put("ok", tally.count(Outcome.OK) + tally.count(Outcome.MISSING_METADATA));
            summary.put("corrupt", tally.count(Outcome.CORRUPT));
            summary.put("missingMetadata", tally.count(Outcome.MISSING_METADATA));
            summary.put("metadataMismatch", tally.count(Outcome.METADATA_MISMATCH));
            summary.put("errors", tally.count(Outcome.ERROR));
            summary.put("quarantined", tally.quarantinedCount());
            summary.put("problems", tally.problems());
            Report.write(summary, report.file(), root.io().out());
            return tally.anyBad() ? 1 : 0;
        }
    }
}
