package io.ironclad.sidecar.cli;

import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.registry.BlobLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags and scope choice verify and backfill share. */
final class WalkFlags {

    private static final List<String> DOCKER_ROOTS = List.of("", "files/");
    private static final int MAX_PAGE_SIZE = 10_000;

    @Option(names = "--prefix", paramLabel = "P", description = "walk the keys under P (default: the whole store)")
    String prefix;

    @Option(names = "--repository", paramLabel = "NAME", description = "only the blobs repository NAME links")
    String repository;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "resume from and record progress in FILE")
    Path checkpoint;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "blobs handled at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "100",
            description = "keys per listing page, the checkpoint granularity (default ${DEFAULT-VALUE}, at most 10000)")
    int pageSize;

    @Option(names = "--fresh", description = "read with the driver's freshness read (Swift X-Newest, the S3 freshness endpoint)")
    boolean fresh;

    /** The walk these flags describe for {@code verb}. */
    Walk walk(String verb) throws CliException {
        return new Walk(verb, Optional.ofNullable(checkpoint), positive("--parallel", parallel),
                Math.min(MAX_PAGE_SIZE, positive("--page-size", pageSize)));
    }

    ReadOptions reads() {
        return fresh ? ReadOptions.FRESH : ReadOptions.PLAIN;
    }

    /** The flags as a running server takes them (see {@link RemoteRun}); a checkpoint is a local file and cannot go along. */
    List<String> serverArgs() throws CliException {
        if (checkpoint != null) {
            throw CliException.usage("--checkpoint needs direct access to the store; it cannot be used through a running server");
        }
        List<String> args = new ArrayList<>(List.of("--parallel", Integer.toString(parallel), "--page-size", Integer.toString(pageSize)));
        if (prefix != null) {
            args.addAll(List.of("--prefix", prefix));
        }
        if (repository != null) {
            args.addAll(List.of("--repository", repository));
        }
        if (fresh) {
            args.add("--fresh");
        }
        return args;
    }

    private static int positive(String flag, int value) throws CliException {
        if (value < 1) {
            throw CliException.usage(flag + " must be a whole number of at least 1, got '" + value + "'");
        }
        return value;
    }

    /**
     * {@code --prefix P} (default: the whole store) or {@code --repository NAME}: the blobs a
     * docker-registry repository links, its tree found at the store root or under {@code files/};
     * in an Ironclad store, the repository's blobs in the database.
     */
    Scope scope(StorageDriver driver, Backends backends, Map<String, Object> overrides) throws CliException {
        if (repository != null && prefix != null) {
            throw CliException.usage("give --prefix or --repository, not both");
        }
        if (repository == null) {
            return Scope.prefix(driver, prefix == null ? "" : prefix);
        }
        for (String root : DOCKER_ROOTS) {
            String links = root + BlobKeys.DOCKER_TREE + "repositories/" + repository + "/";
            try {
                if (!driver.list(ListRequest.prefix(links).withLimit(1)).entries().isEmpty()) {
                    return Scope.dockerRepository(driver, root, repository);
                }
            } catch (StorageException e) {
                throw new CliException(CliException.UNREACHABLE, "cannot list " + links + ": " + e.getMessage(), e);
            }
        }
        if (hasIroncladBlobs(driver)) {
            List<BlobKeys.Blob> blobs = new ArrayList<>();
            for (Backends.Collected row : backends.repositoryBlobs(overrides, repository)) {
                blobs.add(new BlobKeys.Blob(ObjectKey.of(row.storedKey()), row.digest()));
            }
            if (!blobs.isEmpty()) {
                return Scope.fixed("Ironclad repository '" + repository + "'", blobs);
            }
        }
        throw CliException.usage("repository '" + repository + "' not found: no docker-registry links under "
                + BlobKeys.DOCKER_TREE + "repositories/ or files/" + BlobKeys.DOCKER_TREE + "repositories/ in " + driver.name()
                + ", and no blobs of it in the Ironclad database");
    }

    /** Whether the store has Ironclad's layout, whose repositories live in the database (only then is the database consulted). */
    private static boolean hasIroncladBlobs(StorageDriver driver) throws CliException {
        try {
            return !driver.list(ListRequest.prefix(BlobLayout.PREFIX).withLimit(1)).entries().isEmpty();
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list blobs/: " + e.getMessage(), e);
        }
    }
}
