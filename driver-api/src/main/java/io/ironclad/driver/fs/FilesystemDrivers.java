package io.ironclad.driver.fs;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Capability;
import io.ironclad.driver.StorageDriver;

/** Creates filesystem drivers: strongly consistent local stores for single-node deployments and tests. */
public final class FilesystemDrivers {

    /** What every filesystem driver guarantees. */
    public static final Capabilities CAPABILITIES = Capabilities.of(Capability.READ_AFTER_WRITE,
            Capability.LIST_AFTER_WRITE, Capability.CONDITIONAL_CREATE, Capability.FRESHNESS_READ,
            Capability.SERVER_SIDE_COPY, Capability.RANGED_READ, Capability.METADATA_UPDATE);

    private FilesystemDrivers() {
    }

    /**
     * A driver over {@code config.root()}, creating the directory if needed. Several drivers (in
     * this or other processes) may share one root.
     *
     * @throws java.io.UncheckedIOException if the root cannot be created
     */
    public static StorageDriver create(FilesystemDriverConfig config) {
        requireNonNull(config, "config is null");
        return new FilesystemDriver(config);
    }
}
