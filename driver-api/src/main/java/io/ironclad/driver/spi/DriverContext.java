package io.ironclad.driver.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What the application hands every {@link StorageDriverProvider} besides its settings.
 *
 * @param dataDir the application's data directory; a local store's default home is under it
 */
public record DriverContext(Path dataDir) {

    public DriverContext {
        requireNonNull(dataDir, "dataDir is null");
    }
}
