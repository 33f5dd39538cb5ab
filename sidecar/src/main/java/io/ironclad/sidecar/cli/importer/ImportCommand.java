package io.ironclad.sidecar.cli.importer;

import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.Checkpoint;
import io.ironclad.sidecar.cli.CliException;
import io.ironclad.sidecar.cli.Io;
import io.ironclad.sidecar.cli.Outcome;
import io.ironclad.sidecar.cli.Progress;
import io.ironclad.sidecar.cli.Report;
import io.ironclad.sidecar.cli.Tally;
import io.ironclad.sidecar.cli.importer.ImportCounts.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code ironclad import}: adopts a CNCF distribution (docker-registry 2.x) store in place.
 * Walks its repositories in key order ({@link RepositoryListing}), imports each one
 * ({@link RepositoryImport}) into the configured database, and after each repository writes the
 * checkpoint, so a run that stopped continues after the last repository it completed. It writes
 * nothing into the store: blobs stay at distribution's keys, so the old registry keeps working
 * until the switch, and a second run changes nothing. Exit codes as the other commands: 0 all
 * imported, 1 something left out (corrupt or unreadable objects, manifests or tags that depend on
 * them or that the registry refuses), 2 usage, 3 store or database unreachable.
 */
public final class ImportCommand {

    public static final String VERB = "import";
    private static final List<String> DOCKER_ROOTS = List.of("", "files/");

    private ImportCommand() {
    }

    public static int run(ImportOptions options, Backends backends, Io io) throws CliException {
        try (StorageDriver driver = backends.driver(options.overrides())) {
            String root = root(driver, options.root());
            String scope = "distribution store under '" + root + "'";
            Checkpoint start = options.checkpoint().isPresent() ? Checkpoint.load(options.checkpoint().get(), VERB, scope)
                    : new Checkpoint(VERB, scope, Optional.empty(), new Tally(), Map.of());
            Tally tally = start.tally();
            ImportCounts counts = new ImportCounts(start.counters());
            Resumed resumed = new Resumed(tally.objects(), tally.bytes(), counts.get(Counter.MANIFESTS_IMPORTED));
            double seconds;
            try (ImportTarget target = backends.importTarget(options.overrides())) {
                long started = System.nanoTime();
                walk(driver, target, root, scope, start, options, io, tally, counts);
                seconds = (System.nanoTime() - started) / 1e9;
            }
            Map<String, Object> summary = summary(driver.name(), scope, tally, counts, resumed, seconds);
            Report.write(summary, options.report(), io.out());
            return anyLeftOut(tally, counts) ? 1 : 0;
        }
    }

    /** What earlier runs of a resumed import counted, so this run's rates count only its own work. */
    private record Resumed(long objects, long bytes, long manifests) {
    }

    /** Imports every repository after the checkpoint's last key; {@code seconds} of the summary are this walk's. */
    private static void walk(StorageDriver driver, ImportTarget target, String root, String scope, Checkpoint start,
            ImportOptions options, Io io, Tally tally, ImportCounts counts) throws CliException {
        String resume = options.checkpoint().map(file -> "; run again with --checkpoint " + file + " to continue").orElse("");
        Progress progress = new Progress(io.terminal(), VERB);
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel());
        try {
            RepositoryImport importer = new RepositoryImport(driver, target, pool, options.fresh() ? ReadOptions.FRESH : ReadOptions.PLAIN,
                    tally, counts, progress);
            new RepositoryListing(driver, root, options.pageSize()).forEach(start.lastKey(), repository -> {
                importer.run(repository);
                save(options, scope, repository.lastKey(), tally, counts);
            });
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list " + root + DistributionTree.REPOSITORIES + ": " + e.getMessage() + resume, e);
        } catch (ImportTarget.Unavailable e) {
            throw new CliException(CliException.UNREACHABLE, "the database failed: " + e.getMessage() + resume, e);
        } catch (UncheckedIOException e) {
            throw CliException.usage("cannot write checkpoint: " + e.getCause().getMessage());
        } finally {
            pool.shutdownNow();
            progress.finish(tally);
        }
    }

    private static void save(ImportOptions options, String scope, String lastKey, Tally tally, ImportCounts counts) {
        if (options.checkpoint().isEmpty()) {
            return;
        }
        try {
            Checkpoint.save(options.checkpoint().get(), VERB, scope, lastKey, tally, counts.toMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where distribution's tree starts: as given, else at the store's root or under {@code files/} (its Swift driver). */
    private static String root(StorageDriver driver, Optional<String> given) throws CliException {
        for (String root : given.map(List::of).orElse(DOCKER_ROOTS)) {
            try {
                if (!driver.list(ListRequest.prefix(root + DistributionTree.REPOSITORIES).withLimit(1)).entries().isEmpty()) {
                    return root;
                }
            } catch (StorageException e) {
                throw new CliException(CliException.UNREACHABLE, "cannot list " + root + DistributionTree.REPOSITORIES + " in "
                        + driver.name() + ": " + e.getMessage(), e);
            }
        }
        throw CliException.usage("no distribution repositories under " + given.map(r -> "'" + r + DistributionTree.REPOSITORIES + "'")
                .orElse(DistributionTree.REPOSITORIES + " or files/" + DistributionTree.REPOSITORIES) + " in the " + driver.name()
                + " store; give --root where its docker/registry/v2/ tree starts");
    }

    private static boolean anyLeftOut(Tally tally, ImportCounts counts) {
        return tally.anyBad() || counts.get(Counter.BLOBS_NOT_IMPORTED) + counts.get(Counter.MANIFESTS_NOT_IMPORTED)
                + counts.get(Counter.TAGS_NOT_IMPORTED) > 0;
    }

    private static Map<String, Object> summary(String driver, String scope, Tally tally, ImportCounts counts, Resumed resumed,
            double seconds) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", VERB);
        json.put("driver", driver);
        json.put("scope", scope);
        json.putAll(counts.toMap());
        json.put("objects", tally.objects());
        json.put("bytes", tally.bytes());
        json.put("resumedObjects", resumed.objects());
        Report.putRates(json, tally.objects() - resumed.objects(), tally.bytes() - resumed.bytes(), seconds);
        long images = counts.get(Counter.MANIFESTS_IMPORTED) - resumed.manifests();
        json.put("imagesPerSecond", Report.round(seconds > 0 ? images / seconds : 0));
        json.put("corrupt", tally.count(Outcome.CORRUPT));
        json.put("metadataMismatch", tally.count(Outcome.METADATA_MISMATCH));
        json.put("errors", tally.count(Outcome.ERROR));
        json.put("problems", tally.problems());
        json.put("notImported", counts.notImported());
        return json;
    }
}
