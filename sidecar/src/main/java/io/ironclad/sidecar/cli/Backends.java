package io.ironclad.sidecar.cli;

import io.ironclad.driver.Digest;
import io.ironclad.driver.StorageDriver;
import java.net.URI;
import io.ironclad.sidecar.cli.importer.ImportTarget;
import io.ironclad.sidecar.lifecycle.RepositoryDeletion;
import io.ironclad.sidecar.lifecycle.Retention;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator commands need from the sidecar's configuration: the store and the collector,
 * built from the same {@code ironclad.*} settings the sidecar reads (environment, {@code -D},
 * config file), with {@code overrides} from command-line flags on top.
 */
public interface Backends {

    /** The override key {@code --config FILE} sets; it works as {@code -Dmicronaut.config.files=FILE}. */
    String CONFIG_FILES = "micronaut.config.files";

    /**
     * Starts the sidecar (HTTP server and all) with {@code overrides} on top of its settings and
     * returns once it has stopped.
     *
     * @throws CliException when it cannot start: {@link CliException#UNREACHABLE} for a database
     *     or store that cannot be reached or is locked by another process, {@link CliException#USAGE}
     *     for anything else (bad configuration, port in use); the message is the one-line cause
     */
    default void serve(Map<String, Object> overrides) throws CliException {
        throw CliException.usage("serve is not available here");
    }

    /**
     * The admin URL of a sidecar running on the configured data directory whose database the
     * commands cannot open beside it (the embedded H2 file), if one runs.
     *
     * @throws CliException {@link CliException#USAGE} for a malformed setting
     */
    default Optional<URI> runningServer(Map<String, Object> overrides) throws CliException {
        return Optional.empty();
    }

    /**
     * The configured storage driver, its connection checked; the caller closes it.
     *
     * @throws CliException {@link CliException#USAGE} for a missing or malformed setting,
     *     {@link CliException#UNREACHABLE} (naming driver and endpoint) when the backend does not answer
     */
    StorageDriver driver(Map<String, Object> overrides) throws CliException;

    /**
     * Runs the blob collector once against the configured database and store, honouring its grace
     * period; with {@code dryRun} only lists what it would collect.
     *
     * @throws CliException as for {@link #driver}, for the database as well
     */
    GcResult collect(Map<String, Object> overrides, boolean dryRun) throws CliException;

    /**
     * The blobs an Ironclad repository links, from the configured database, in key order; empty
     * for a repository the database does not know.
     *
     * @throws CliException as for {@link #driver}, for the database
     */
    List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) throws CliException;

    /**
     * The configured database as {@code ironclad import} fills it, with the rules of a push; the
     * caller closes it.
     *
     * @throws CliException as for {@link #driver}, for the database
     */
    ImportTarget importTarget(Map<String, Object> overrides) throws CliException;

    /**
     * Deletes a repository's tags, manifests and blob links ({@link RepositoryDeletion}); with
     * {@code dryRun} only counts them. Refused unless {@code ironclad.delete.enabled} is true.
     *
     * @return empty for a repository the database does not know
     * @throws CliException as for {@link #driver}, for the database; {@link CliException#USAGE} when deletes are off
     */
    Optional<RepositoryDeletion.Deleted> deleteRepository(Map<String, Object> overrides, String repository, boolean dryRun)
            throws CliException;

    /** The retention rules' report ({@link Retention}), applied when {@code apply}. */
    Retention.Report retention(Map<String, Object> overrides, boolean apply) throws CliException;

    /** One blob in the database: the collector deleted it, would delete it, or a repository links it. */
    record Collected(Digest digest, long size, String storedKey) {
    }

    /**
     * @param blobs the blobs collected (or, in a dry run, collectable)
     * @param failed blobs that were candidates but could not be deleted (logged)
     */
    record GcResult(List<Collected> blobs, int failed) {
        public GcResult {
            blobs = List.copyOf(blobs);
        }
    }
}
