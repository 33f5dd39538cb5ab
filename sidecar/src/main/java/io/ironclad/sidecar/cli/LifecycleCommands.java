package io.ironclad.sidecar.cli;

import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code repo delete NAME [--dry-run]} and {@code retention [--apply]}: the lifecycle admin
 * operations against the configured database, each printing a JSON summary. They run directly
 * on the store and database (on the embedded H2 the server must be stopped; a running server
 * offers the same through {@code DELETE /admin/repositories/NAME} and {@code /admin/retention}).
 */
final class LifecycleCommands {

    private LifecycleCommands() {
    }

    /** {@code repo}: repository administration; its one subcommand is {@code delete}. */
    @Command(name = "repo", sortOptions = false, usageHelpAutoWidth = true, subcommands = RepoDelete.class,
            description = "Repository administration.")
    static final class Repo implements Callable<Integer> {

        @ParentCommand
        IroncladCommand root;

        @Mixin
        HelpFlag help;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "expected 'repo delete NAME'");
        }
    }

    /** {@code repo delete NAME}: tags, manifests and links go; blobs follow through GC. */
    @Command(name = "delete", sortOptions = false, usageHelpAutoWidth = true,
            description = "Delete a repository: its tags, manifests and blob links (blobs follow through gc). Needs ironclad.delete.enabled=true.")
    static final class RepoDelete implements Callable<Integer> {

        @ParentCommand
        Repo repo;

        @Mixin
        HelpFlag help;

        @Parameters(index = "0", paramLabel = "NAME", description = "the repository, e.g. library/nginx")
        String repository;

        @Option(names = "--dry-run", description = "delete nothing; count what would go")
        boolean dryRun;

        @Mixin
        ReportFlag report;

        @Mixin
        StoreFlags store;

        @Override
        public Integer call() throws CliException {
            Io io = repo.root.io();
            Optional<RepositoryDeletion.Deleted> deleted = repo.root.backends().deleteRepository(store.overrides(), repository, dryRun);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("command", "repo delete");
            summary.put("repository", repository);
            summary.put("dryRun", dryRun);
            summary.put("found", deleted.isPresent());
            deleted.ifPresent(d -> {
                summary.put("tags", d.tags());
                summary.put("manifests", d.manifests());
                summary.put("blobLinks", d.blobLinks());
            });
            Report.write(summary, report.file(), io.out());
            if (deleted.isEmpty()) {
                io.err().println("ironclad repo delete: repository '" + repository + "' is not known");
                return 1;
            }
            return 0;
        }
    }

    /** {@code retention}: the retention rules' dry-run report, or with {@code --apply} the deletes. */
    @Command(name = "retention", sortOptions = false, usageHelpAutoWidth = true,
            description = "Report which tags the retention rules (ironclad.retention.*) would delete; --apply deletes them.")
    static final class RetentionRun implements Callable<Integer> {

        @ParentCommand
        IroncladCommand root;

        @Mixin
        HelpFlag help;

        @Option(names = "--apply", description = "delete the tags the rules do not keep (default: report only)")
        boolean apply;

        @Mixin
        ReportFlag report;

        @Mixin
        StoreFlags store;

        @Override
        public Integer call() throws CliException {
            Retention.Report result = root.backends().retention(store.overrides(), apply);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("command", "retention");
            summary.put("rules", result.rules());
            summary.put("applied", result.applied());
            summary.put("tagsDeleted", result.tagsDeleted());
            summary.put("repositories", result.repositories().stream().map(plan -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("repository", plan.repository());
                r.put("kept", plan.kept());
                r.put("deleted", plan.deleted().stream().map(Retention.Tag::name).toList());
                return r;
            }).toList());
            Report.write(summary, report.file(), root.io().out());
            return 0;
        }
    }
}
