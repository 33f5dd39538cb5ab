package io.ironclad.sidecar.admin;

import io.ironclad.sidecar.cli.CliBackends;
import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.jobs.GcRun;
import io.ironclad.sidecar.jobs.OrphanCollector;
import io.ironclad.sidecar.metadata.Blobs;
import io.ironclad.sidecar.metadata.GcMarks;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.CliException;
import io.ironclad.sidecar.cli.importer.ImportTarget;
import io.ironclad.sidecar.lifecycle.GcSettings;
import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import io.micronaut.core.convert.ConversionService;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator commands' view of the running server, for the admin API: its own driver, database
 * and collector, so {@code gc}, {@code verify} and {@code backfill} run beside the registry on the
 * database only this process can open (the embedded H2 file). Store flags do not apply here: the
 * admin API takes only the commands' own flags.
 */
@Singleton
final class ServerBackends implements Backends {

    private static final String GRACE = "ironclad.gc.grace-period";

    private final StorageDriver driver;
    private final GcMarks marks;
    private final OrphanCollector orphans;
    private final BlobCollector collector;
    private final Blobs blobs;
    private final Clock clock;
    private final ConversionService conversions;
    private final Duration grace;

    ServerBackends(StorageDriver driver, GcMarks marks, OrphanCollector orphans, BlobCollector collector, Blobs blobs, Clock clock,
            ConversionService conversions, GcSettings gc) {
        this.driver = driver;
        this.marks = marks;
        this.orphans = orphans;
        this.collector = collector;
        this.blobs = blobs;
        this.clock = clock;
        this.conversions = conversions;
        this.grace = gc.gracePeriod();
    }

    @Override
    public StorageDriver driver(Map<String, Object> overrides) {
        return new ForwardingStorageDriver(driver) {
            @Override
            public void close() {
                // the server's driver, lent to the command: closed with the server's context
            }
        };
    }

    @Override
    public GcResult collect(Map<String, Object> overrides, boolean dryRun) throws CliException {
        Duration run = grace;
        Object override = overrides.get(GRACE);
        if (override != null) {
            run = conversions.convert(override, Duration.class)
                    .orElseThrow(() -> CliException.usage("--grace-period must be a duration such as 0s or 1h, got '" + override + "'"));
        }
        try {
            return GcRun.run(marks, orphans, collector, clock, run, dryRun);
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list the store's blobs: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) throws CliException {
        return CliBackends.repositoryBlobs(blobs, repository);
    }

    /** Not offered through the admin API ({@code AdminJobs} runs gc, verify and backfill only): import fills the database in bulk, directly. */
    @Override
    public ImportTarget importTarget(Map<String, Object> overrides) throws CliException {
        throw CliException.usage("import runs on the store and database directly, not through a running server");
    }

    /** Not offered through the admin jobs: a running server deletes repositories at {@code DELETE /admin/repositories/NAME}. */
    @Override
    public Optional<RepositoryDeletion.Deleted> deleteRepository(Map<String, Object> overrides, String repository, boolean dryRun)
            throws CliException {
        throw CliException.usage("on a running server, delete a repository with DELETE /admin/repositories/" + repository);
    }

    /** Not offered through the admin jobs: a running server reports and applies retention at {@code /admin/retention}. */
    @Override
    public Retention.Report retention(Map<String, Object> overrides, boolean apply) throws CliException {
        throw CliException.usage("on a running server, use GET or POST /admin/retention");
    }
}
