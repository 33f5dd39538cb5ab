package io.ironclad.sidecar;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.CliException;
import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The operator commands' view of the sidecar: the driver from {@link DriverSettings} and the
 * {@link BlobCollector} in an application context without the HTTP server, both configured as
 * the sidecar is (application.yml, environment, {@code -D}, {@code micronaut.config.files}).
 */
final class CliBackends implements Backends {

    private static final String CONFIG_FILES = "micronaut.config.files";
    private static final int MAX_COLLECT_ROUNDS = 10_000;

    @Override
    public StorageDriver driver(Map<String, Object> overrides) throws CliException {
        try (ApplicationContext context = context(overrides)) {
            Environment environment = context.getEnvironment().start();
            Path dataDir = Path.of(environment.getProperty("ironclad.data-dir", String.class).orElse("./data"));
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
        try (ApplicationContext context = started(overrides)) {
            Metadata metadata = context.getBean(Metadata.class);
            Duration grace = context.getProperty("ironclad.gc.grace-period", Duration.class).orElse(Duration.ofHours(24));
            OrphanCollector orphans = context.getBean(OrphanCollector.class);
            List<Collected> candidates = candidates(metadata, orphans, Instant.now().minus(grace));
            if (dryRun) {
                return new GcResult(candidates, 0);
            }
            BlobCollector collector = context.getBean(BlobCollector.class);
            for (int round = 0; round < MAX_COLLECT_ROUNDS && collector.collect() > 0; round++) {
                // each round collects up to the collector's batch; repeat until nothing is left
            }
            Set<String> left = new HashSet<>();
            candidates(metadata, orphans, Instant.now().minus(grace)).forEach(blob -> left.add(blob.digest().toString()));
            List<Collected> gone = candidates.stream().filter(blob -> !left.contains(blob.digest().toString())).toList();
            return new GcResult(gone, (int) candidates.stream().filter(blob -> left.contains(blob.digest().toString())).count());
        } catch (StorageException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot list the store's blobs: " + e.getMessage(), e);
        }
    }

    /** Unreferenced rows, then blob objects no row knows (orphans), both older than {@code before}. */
    private static List<Collected> candidates(Metadata metadata, OrphanCollector orphans, Instant before) throws StorageException {
        List<Collected> candidates = new ArrayList<>(metadata.unreferencedBlobs(before, Integer.MAX_VALUE).stream()
                .map(CliBackends::collected).toList());
        orphans.find(before, Integer.MAX_VALUE).forEach(o -> candidates.add(new Collected(o.digest(), o.size(), o.key().value())));
        return candidates;
    }

    @Override
    public List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) throws CliException {
        try (ApplicationContext context = started(overrides);
                Connection connection = context.getBean(DataSource.class).getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT b.digest, b.size, b.stored_key FROM repository_blobs r"
                        + " JOIN blobs b ON b.digest = r.digest WHERE r.repository = ?")) {
            query.setString(1, repository);
            List<Collected> blobs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    blobs.add(new Collected(Digest.parse(rows.getString(1)), rows.getLong(2), rows.getString(3)));
                }
            }
            blobs.sort(Comparator.comparing(Collected::storedKey, ObjectKey::compareUtf8));
            return blobs;
        } catch (SQLException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot read repository '" + repository + "' from the database: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RepositoryDeletion.Deleted> deleteRepository(Map<String, Object> overrides, String repository, boolean dryRun)
            throws CliException {
        try (ApplicationContext context = started(overrides)) {
            if (!dryRun && !context.getProperty("ironclad.delete.enabled", Boolean.class).orElse(false)) {
                throw CliException.usage("deletes are disabled: set ironclad.delete.enabled=true (--set ironclad.delete.enabled=true)");
            }
            return context.getBean(RepositoryDeletion.class).delete(repository, dryRun);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    @Override
    public Retention.Report retention(Map<String, Object> overrides, boolean apply) throws CliException {
        try (ApplicationContext context = started(overrides)) {
            Retention retention = context.getBean(Retention.class);
            return apply ? retention.apply() : retention.plan();
        }
    }

    private static Collected collected(Metadata.BlobRow row) {
        return new Collected(row.digest(), row.size(), row.storedKey());
    }

    /** The whole context (database, store, collector), its HTTP server not started. */
    private static ApplicationContext started(Map<String, Object> overrides) throws CliException {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.remove(CONFIG_FILES);
        properties.put(CommandScheduler.PROPERTY, "true");
        String dataDir = (String) properties.getOrDefault("ironclad.data-dir", Application.dataDirFromEnvironment());
        Application.embeddedDatabase(dataDir).forEach(properties::putIfAbsent);
        useConfigFiles(overrides);
        try {
            return ApplicationContext.builder().properties(properties).banner(false).start();
        } catch (RuntimeException e) {
            Throwable root = rootCause(e);
            int code = root instanceof SQLException || root instanceof ConnectException || root instanceof StorageException
                    ? CliException.UNREACHABLE : CliException.USAGE;
            throw new CliException(code, "cannot start the collector's database and store: " + root.getMessage(), e);
        }
    }

    private static ApplicationContext context(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.remove(CONFIG_FILES);
        // a mistyped container must fail the walk, not be created empty and found all good
        properties.putIfAbsent("ironclad.driver.swift.create-containers", "false");
        properties.putIfAbsent("ironclad.driver.s3.create-bucket", "false");
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
            return DriverSettings.create(environment, dataDir);
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
        String type = environment.getProperty(DriverSettings.TYPE, String.class).orElse("filesystem").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "swift" -> "swift store at " + environment.getProperty("ironclad.driver.swift.auth-url", String.class).orElse("?")
                    + " (container " + environment.getProperty("ironclad.driver.swift.container", String.class).orElse("ironclad") + ")";
            case "s3" -> "s3 store at " + environment.getProperty("ironclad.driver.s3.endpoint", String.class).orElse("AWS")
                    + " (bucket " + environment.getProperty("ironclad.driver.s3.bucket", String.class).orElse("ironclad") + ")";
            case "filesystem" -> "filesystem store at " + dataDir.resolve("store").toAbsolutePath();
            default -> type + " store";
        };
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
