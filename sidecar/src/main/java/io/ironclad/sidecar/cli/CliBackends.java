package io.ironclad.sidecar.cli;

import io.ironclad.sidecar.Application;
import io.ironclad.sidecar.DataDirectory;
import io.ironclad.sidecar.Serving;
import io.ironclad.sidecar.StartupFailure;
import io.ironclad.driver.spi.StorageDriverProviders;
import io.ironclad.sidecar.backend.ConfiguredDrivers;
import io.ironclad.sidecar.backend.PropertySettings;
import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.jobs.CommandScheduler;
import io.ironclad.sidecar.jobs.GcRun;
import io.ironclad.sidecar.jobs.OrphanCollector;
import io.ironclad.sidecar.metadata.Blobs;
import io.ironclad.sidecar.metadata.GcMarks;
import io.ironclad.sidecar.metadata.Metadata.MetadataException;
import io.ironclad.sidecar.registry.RegistryImportTarget;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.admin.ServerFile;
import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.CliException;
import io.ironclad.sidecar.cli.importer.ImportTarget;
import io.ironclad.sidecar.auth.AuthSettings;
import io.ironclad.sidecar.lifecycle.GcSettings;
import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator commands' view of the sidecar: the driver from {@link ConfiguredDrivers} (the driver SPI), the
 * {@link BlobCollector} and the import target in an application context without the HTTP server, both configured as
 * the sidecar is (application.yml, environment, {@code -D}, {@code micronaut.config.files}).
 */
public final class CliBackends implements Backends {

    private boolean served;

    @Override
    public StorageDriver driver(Map<String, Object> overrides) throws CliException {
        try (ApplicationContext context = context(overrides)) {
            Environment environment = context.getEnvironment().start();
            Path dataDir = DataDirectory.of(environment).path();
            StorageDriver driver = create(environment, dataDir);
            try {
                driver.list(ListRequest.prefix("").withLimit(1));
            } catch (StorageException e) {
                driver.close();
                throw new CliException(CliException.UNREACHABLE, "cannot reach the " + endpoint(environment, dataDir) + ": " + e.getMessage(), e);
            }
            return driver;
        }
    }

    @Override
    public GcResult collect(Map<String, Object> overrides, boolean dryRun) throws CliException {
        try (ApplicationContext context = started(overrides, "gc")) {
            Duration grace = context.getBean(GcSettings.class).gracePeriod();
            return GcRun.run(context.getBean(GcMarks.class), context.getBean(OrphanCollector.class), context.getBean(BlobCollector.class),
                    context.getBean(Clock.class), grace, dryRun);
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list the store's blobs: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) throws CliException {
        try (ApplicationContext context = started(overrides, "verify --repository")) {
            return repositoryBlobs(context.getBean(Blobs.class), repository);
        }
    }

    /** The blobs {@code repository} links, in key order. */
    public static List<Collected> repositoryBlobs(Blobs rows, String repository) throws CliException {
        try {
            List<Collected> blobs = new ArrayList<>();
            rows.linkedBlobs(repository).forEach(b -> blobs.add(new Collected(b.digest(), b.size(), b.storedKey())));
            blobs.sort(Comparator.comparing(Collected::storedKey, ObjectKey::compareUtf8));
            return blobs;
        } catch (MetadataException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot read repository '" + repository + "' from the database: "
                    + e.getCause().getMessage(), e);
        }
    }

    @Override
    public void serve(Map<String, Object> overrides) throws CliException {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.remove(CONFIG_FILES);
        String dataDir = (String) properties.getOrDefault("ironclad.data-dir", Application.dataDirFromEnvironment());
        Application.embeddedDatabase(dataDir).forEach(properties::putIfAbsent);
        useConfigFiles(overrides);
        served = true;
        Serving.run(ApplicationContext.builder().mainClass(Application.class).properties(properties).banner(false));
    }

    /** Whether {@link #serve} ran: then the process ends when the server's threads do, not by an exit code. */
    public boolean served() {
        return served;
    }

    @Override
    public Optional<URI> runningServer(Map<String, Object> overrides) throws CliException {
        try (ApplicationContext context = context(overrides)) {
            Environment environment = context.getEnvironment().start();
            Path dataDir = DataDirectory.of(environment).path();
            return ServerFile.read(dataDir);
        }
    }

    @Override
    public Optional<RepositoryDeletion.Deleted> deleteRepository(Map<String, Object> overrides, String repository, boolean dryRun)
            throws CliException {
        try (ApplicationContext context = started(overrides, "repo delete")) {
            if (!dryRun && !context.getBean(AuthSettings.class).deleteEnabled()) {
                throw CliException.usage("deletes are disabled: set ironclad.delete.enabled=true (--set ironclad.delete.enabled=true)");
            }
            return context.getBean(RepositoryDeletion.class).delete(repository, dryRun);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    @Override
    public ImportTarget importTarget(Map<String, Object> overrides) throws CliException {
        return new RegistryImportTarget(started(overrides, "import"));
    }

    @Override
    public Retention.Report retention(Map<String, Object> overrides, boolean apply) throws CliException {
        try (ApplicationContext context = started(overrides, "retention")) {
            Retention retention = context.getBean(Retention.class);
            return apply ? retention.apply() : retention.plan();
        }
    }

    /** The whole context (database, store, collector), its HTTP server not started. */
    private static ApplicationContext started(Map<String, Object> overrides, String command) throws CliException {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.remove(CONFIG_FILES);
        properties.put(CommandScheduler.PROPERTY, "true");
        String dataDir = (String) properties.getOrDefault("ironclad.data-dir", Application.dataDirFromEnvironment());
        Application.embeddedDatabase(dataDir).forEach(properties::putIfAbsent);
        useConfigFiles(overrides);
        try {
            return ApplicationContext.builder().properties(properties).banner(false).start();
        } catch (RuntimeException e) {
            StartupFailure failure = StartupFailure.of(e);
            throw new CliException(failure.exitCode(), "cannot open the database and store for " + command + ": " + failure.cause()
                    + (failure.locked() ? " (a running sidecar holds it: run the command with --server URL, or stop the server)" : ""), e);
        }
    }

    private static ApplicationContext context(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.remove(CONFIG_FILES);
        // a mistyped container must fail the walk, not be created empty and found all good
        ConfiguredDrivers.providers().inspectionDefaults().forEach(properties::putIfAbsent);
        useConfigFiles(overrides);
        return ApplicationContext.builder().properties(properties).banner(false).build();
    }

    /** {@code --config FILE} works as the sidecar's {@code -Dmicronaut.config.files=FILE}, with the same precedence. */
    private static void useConfigFiles(Map<String, Object> overrides) {
        Object files = overrides.get(CONFIG_FILES);
        if (files != null) {
            System.setProperty(CONFIG_FILES, files.toString());
        }
    }

    private static StorageDriver create(Environment environment, Path dataDir) throws CliException {
        try {
            return ConfiguredDrivers.create(environment, dataDir);
        } catch (RuntimeException e) {
            if (rootCause(e) instanceof StorageException) {
                throw new CliException(CliException.UNREACHABLE, "cannot reach the " + endpoint(environment, dataDir) + ": "
                        + rootCause(e).getMessage(), e);
            }
            throw CliException.usage("bad store configuration: " + e.getMessage());
        }
    }

    /** The driver and where it points, for an error line. */
    private static String endpoint(Environment environment, Path dataDir) {
        try {
            return ConfiguredDrivers.plan(environment, dataDir).describe();
        } catch (RuntimeException unbound) {
            return StorageDriverProviders.type(new PropertySettings(environment)) + " store";
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
