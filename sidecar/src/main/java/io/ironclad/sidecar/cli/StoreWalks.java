package io.ironclad.sidecar.cli;

import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The flags and scope choice verify and backfill share. */
final class StoreWalks {

    /** Flags with a value that both walking commands take. */
    static final Set<String> VALUED = Set.of("prefix", "repository", "checkpoint", "report", "parallel", "page-size");
    private static final List<String> DOCKER_ROOTS = List.of("", "files/");

    private StoreWalks() {
    }

    /** The walk {@code options} describe for {@code verb}. */
    static Walk walk(String verb, Options options) throws CliException {
        return new Walk(verb, options.path("checkpoint"), options.positive("parallel", 4), Math.min(10_000, options.positive("page-size", 100)));
    }

    static ReadOptions reads(Options options) {
        return options.has("fresh") ? ReadOptions.FRESH : ReadOptions.PLAIN;
    }

    /**
     * {@code --prefix P} (default: the whole store) or {@code --repository NAME}: the blobs a
     * docker-registry repository links, its tree found at the store root or under {@code files/}.
     */
    static Scope scope(StorageDriver driver, Options options, Backends backends) throws CliException {
        Optional<String> repository = options.value("repository");
        if (repository.isPresent() && options.value("prefix").isPresent()) {
            throw CliException.usage("give --prefix or --repository, not both");
        }
        if (repository.isEmpty()) {
            return Scope.prefix(driver, options.value("prefix").orElse(""));
        }
        for (String root : DOCKER_ROOTS) {
            String links = root + BlobKeys.DOCKER_TREE + "repositories/" + repository.get() + "/";
            try {
                if (!driver.list(ListRequest.prefix(links).withLimit(1)).entries().isEmpty()) {
                    return Scope.dockerRepository(driver, root, repository.get());
                }
            } catch (StorageException e) {
                throw new CliException(CliException.UNREACHABLE, "cannot list " + links + ": " + e.getMessage(), e);
            }
        }
        if (hasIroncladBlobs(driver)) {
            List<BlobKeys.Blob> blobs = new ArrayList<>();
            for (Backends.Collected row : backends.repositoryBlobs(options.overrides(), repository.get())) {
                blobs.add(new BlobKeys.Blob(ObjectKey.of(row.storedKey()), row.digest()));
            }
            if (!blobs.isEmpty()) {
                return Scope.fixed("Ironclad repository '" + repository.get() + "'", blobs);
            }
        }
        throw CliException.usage("repository '" + repository.get() + "' not found: no docker-registry links under "
                + BlobKeys.DOCKER_TREE + "repositories/ or files/" + BlobKeys.DOCKER_TREE + "repositories/ in " + driver.name()
                + ", and no blobs of it in the Ironclad database");
    }

    /** Whether the store has Ironclad's layout, whose repositories live in the database (only then is the database consulted). */
    private static boolean hasIroncladBlobs(StorageDriver driver) throws CliException {
        try {
            return !driver.list(ListRequest.prefix("blobs/").withLimit(1)).entries().isEmpty();
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list blobs/: " + e.getMessage(), e);
        }
    }
}
