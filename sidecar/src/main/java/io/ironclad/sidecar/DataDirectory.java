package io.ironclad.sidecar;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/**
 * {@code ironclad.data-dir}: the directory of everything the sidecar keeps on local disk (the
 * filesystem store, the verified cache, spooled request bodies, write-back, the server file and by
 * default the H2 database).
 *
 * @param dataDir the directory, relative to the working directory unless absolute
 */
@ConfigurationProperties("ironclad")
public record DataDirectory(@Bindable(defaultValue = "./data") String dataDir) {

    public Path path() {
        return Path.of(dataDir);
    }
}
