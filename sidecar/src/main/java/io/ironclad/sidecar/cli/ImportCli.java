package io.ironclad.sidecar.cli;

import io.ironclad.sidecar.cli.importer.ImportCommand;
import io.ironclad.sidecar.cli.importer.ImportOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code import}: the flags of {@link ImportCommand}, which adopts a distribution store in place.
 * It runs on the store and database directly (it fills the database in bulk); on the embedded H2
 * database it needs the server stopped, like any direct run.
 */
@Command(name = ImportCommand.VERB, sortOptions = false, usageHelpAutoWidth = true,
        description = "Adopt an existing distribution (docker-registry 2.x) store in place: repositories, blobs, manifests, tags.")
final class ImportCli implements Callable<Integer> {

    private static final int MAX_PAGE_SIZE = 10_000;

    @ParentCommand
    IroncladCommand root;

    @Mixin
    HelpFlag help;

    @Option(names = "--root", paramLabel = "PREFIX",
            description = "where distribution's docker/registry/v2/ tree starts (default: the store root or files/)")
    String treeRoot;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "resume from and record progress in FILE (after every repository)")
    Path checkpoint;

    @Mixin
    ReportFlag report;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "blobs hashed at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "1000",
            description = "keys per listing page (default ${DEFAULT-VALUE}, at most 10000)")
    int pageSize;

    @Option(names = "--fresh", description = "read with the driver's freshness read (Swift X-Newest, the S3 freshness endpoint)")
    boolean fresh;

    @Mixin
    StoreFlags store;

    @Override
    public Integer call() throws CliException {
        if (parallel < 1 || pageSize < 1) {
            throw CliException.usage("--parallel and --page-size must be whole numbers of at least 1");
        }
        ImportOptions options = new ImportOptions(Optional.ofNullable(treeRoot), Optional.ofNullable(checkpoint),
                report.file(), parallel, Math.min(MAX_PAGE_SIZE, pageSize), fresh, store.overrides());
        return ImportCommand.run(options, root.backends(), root.io());
    }
}
