package io.ironclad.sidecar.cli;

import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code repo delete NAME [--dry-run]} and {@code retention [--apply]}: the lifecycle admin
 * operations against the configured database, each printing a JSON summary. The logic takes typed
 * options ({@link RepoDelete}, {@link RetentionRun}); {@link #repo} and {@link #retention} only
 * adapt the flag parser to them.
 */
final class LifecycleCommands {

    static final Set<String> VALUED = Set.of("report");
    static final Set<String> REPO_SWITCHES = Set.of("dry-run");
    static final Set<String> RETENTION_SWITCHES = Set.of("apply");

    /** {@code repo delete}: {@code overrides} are the store/database flags. */
    record RepoDelete(String repository, boolean dryRun, Optional<Path> report, Map<String, Object> overrides) {
    }

    /** {@code retention}: a dry-run report unless {@code apply}. */
    record RetentionRun(boolean apply, Optional<Path> report, Map<String, Object> overrides) {
    }

    private LifecycleCommands() {
    }

    /** {@code repo delete NAME [flags]}. */
    static int repo(List<String> args, Backends backends, Io io) throws CliException {
        if (args.size() < 2 || !args.get(0).equals("delete") || args.get(1).startsWith("--")) {
            throw CliException.usage("expected 'repo delete NAME'");
        }
        Options options = Options.parse(args.subList(2, args.size()), VALUED, REPO_SWITCHES);
        return deleteRepository(new RepoDelete(args.get(1), options.has("dry-run"), options.path("report"), options.overrides()),
                backends, io);
    }

    static int retention(List<String> args, Backends backends, Io io) throws CliException {
        Options options = Options.parse(args, VALUED, RETENTION_SWITCHES);
        return retention(new RetentionRun(options.has("apply"), options.path("report"), options.overrides()), backends, io);
    }

    static int deleteRepository(RepoDelete command, Backends backends, Io io) throws CliException {
        Optional<RepositoryDeletion.Deleted> deleted = backends.deleteRepository(command.overrides(), command.repository(),
                command.dryRun());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("command", "repo delete");
        summary.put("repository", command.repository());
        summary.put("dryRun", command.dryRun());
        summary.put("found", deleted.isPresent());
        deleted.ifPresent(d -> {
            summary.put("tags", d.tags());
            summary.put("manifests", d.manifests());
            summary.put("blobLinks", d.blobLinks());
        });
        Report.write(summary, command.report(), io.out());
        if (deleted.isEmpty()) {
            io.err().println("ironclad repo delete: repository '" + command.repository() + "' is not known");
            return 1;
        }
        return 0;
    }

    static int retention(RetentionRun command, Backends backends, Io io) throws CliException {
        Retention.Report report = backends.retention(command.overrides(), command.apply());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("command", "retention");
        summary.put("rules", report.rules());
        summary.put("applied", report.applied());
        summary.put("tagsDeleted", report.tagsDeleted());
        summary.put("repositories", report.repositories().stream().map(plan -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("repository", plan.repository());
            r.put("kept", plan.kept());
            r.put("deleted", plan.deleted().stream().map(Retention.Tag::name).toList());
            return r;
        }).toList());
        Report.write(summary, command.report(), io.out());
        return 0;
    }
}
