package io.ironclad.driver.spi;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;

/**
 * A driver's bound and checked configuration, not yet connected: the application decides when to
 * {@link #create()} it and what to do when its backend cannot be reached then.
 */
public interface DriverPlan {

    /** The driver's name ({@link StorageDriver#name()}), for errors and metrics before it exists. */
    String name();

    /** Where the driver points, for an error line: {@code swift store at http://... (container c)}. */
    String describe();

    /**
     * Whether {@link #create()} reaches the backend (S3: bucket check and probe; filesystem: its
     * directory), so an unreachable backend fails creation; otherwise the first call reaches it.
     */
    boolean connectsOnCreate();

    /** What the driver guarantees at least, known without reaching the backend: for a stand-in while it cannot. */
    Capabilities capabilitiesBeforeConnect();

    /**
     * The driver.
     *
     * @throws StorageException if {@link #connectsOnCreate()} and the backend cannot be reached,
     *     refuses the credentials or lacks the bucket
     * @throws java.io.UncheckedIOException if a local store's directory cannot be made
     */
    StorageDriver create() throws StorageException;
}
