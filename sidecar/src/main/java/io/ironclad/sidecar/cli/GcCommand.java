package io.ironclad.sidecar.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gc}: the sidecar's blob collector once, on demand, against the configured database and
 * store (or on a running server); with {@code --dry-run} it lists what would be collected and
 * deletes nothing.
 */
@Command(name = "gc", sortOptions = false, usageHelpAutoWidth = true,
        description = "Run the blob collector once: unreferenced blobs and orphaned blob objects older than the grace period.")
final class GcCommand implements Callable<Integer> {

    @ParentCommand
    IroncladCommand root;

    @Mixin
    HelpFlag help;

    @Option(names = "--dry-run", description = "delete nothing; list what would be collected")
    boolean dryRun;

    @Option(names = "--grace-period", paramLabel = "DURATION", description = "override ironclad.gc.grace-period (e.g. 0s, 1h)")
    String gracePeriod;

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
            List<String> args = new ArrayList<>();
            if (dryRun) {
                args.add("--dry-run");
            }
            if (gracePeriod != null) {
                args.addAll(List.of("--grace-period", gracePeriod));
            }
            return new RemoteRun(remote.get()).run("gc", args, report.file(), root.io());
        }
        Map<String, Object> overrides = store.overrides();
        if (gracePeriod != null) {
            overrides.put("ironclad.gc.grace-period", gracePeriod);
        }
        long started = System.nanoTime();
        Backends.GcResult result = backends.collect(overrides, dryRun);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("command", "gc");
        summary.put("dryRun", dryRun);
        summary.put(dryRun ? "wouldCollect" : "collected", result.blobs().size());
        summary.put("bytes", result.blobs().stream().mapToLong(Backends.Collected::size).sum());
        summary.put("failed", result.failed());
        summary.put("seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
        summary.put("blobs", result.blobs().stream().map(GcCommand::json).toList());
        Report.write(summary, report.file(), root.io().out());
        return result.failed() > 0 ? 1 : 0;
    }

    private static Map<String, Object> json(Backends.Collected blob) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("digest", blob.digest().toString());
        json.put("size", blob.size());
        json.put("key", blob.storedKey());
        return json;
    }
}
