package io.ironclad.sidecar.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code gc}: the sidecar's blob collector once, on demand, against the configured database and
 * store; with {@code --dry-run} it lists what would be collected and deletes nothing.
 */
final class GcCommand {

    static final Set<String> VALUED = Set.of("grace-period", "report");
    static final Set<String> SWITCHES = Set.of("dry-run");

    private GcCommand() {
    }

    static int run(Options options, Backends backends, Io io) throws CliException {
        boolean dryRun = options.has("dry-run");
        Map<String, Object> overrides = options.overrides();
        options.value("grace-period").ifPresent(grace -> overrides.put("ironclad.gc.grace-period", grace));
        long started = System.nanoTime();
        Backends.GcResult result = backends.collect(overrides, dryRun);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("command", "gc");
        summary.put("dryRun", dryRun);
        summary.put(dryRun ? "wouldCollect" : "collected", result.blobs().size());
        summary.put("bytes", result.blobs().stream().mapToLong(Backends.Collected::size).sum());
        summary.put("failed", result.failed());
        summary.put("seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
        List<Map<String, Object>> blobs = result.blobs().stream().map(GcCommand::json).toList();
        summary.put("blobs", blobs);
        Report.write(summary, options.path("report"), io.out());
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
