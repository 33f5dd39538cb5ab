package io.ironclad.sidecar;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.value.PropertyResolver;
import java.nio.file.Path;

/**
 * {@code ironclad.data-dir}: the directory of everything the sidecar keeps on local disk (the
 * filesystem store, the verified cache, spooled request bodies, write-back, the server file and by
 * default the H2 database).
 *
 * @param dataDir the directory, relative to the working directory unless absolute
 */
@ConfigurationProperties("ironclad")
public record DataDirectory(@Bindable(defaultValue = DataDirectory.DEFAULT) String dataDir) {

    /** The default, relative to the working directory. */
    public static final String DEFAULT = "./data";

    /**
     * The data directory {@code properties} configure, for code that reads an environment without
     * starting the bean context (the operator commands that only open the store or read the server file).
     */
    public static DataDirectory of(PropertyResolver properties) {
        return new DataDirectory(properties.getProperty("ironclad.data-dir", String.class).orElse(DEFAULT));
    }

    public Path path() {
        return Path.of(dataDir);
    }
}
