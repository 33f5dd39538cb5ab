package io.ironclad.sidecar.backend;

import io.ironclad.sidecar.DataDirectory;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/**
 * {@code ironclad.cache.*}: the verified local cache of blobs read from the object store.
 *
 * @param dir the cache's directory; unset or empty: {@code <data-dir>/cache}
 * @param maxBytes the cache's bound, least recently used files evicted past it
 */
@ConfigurationProperties("ironclad.cache")
public record CacheSettings(@Nullable String dir, @Bindable(defaultValue = "10737418240") long maxBytes) {

    public CacheSettings {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("ironclad.cache.max-bytes must not be negative, got " + maxBytes);
        }
    }

    /** The cache directory: {@code dir}, or {@code cache} under the data directory. */
    Path directory(DataDirectory data) {
        return dir == null || dir.isBlank() ? data.path().resolve("cache") : Path.of(dir);
    }
}
