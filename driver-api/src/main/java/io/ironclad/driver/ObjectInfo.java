package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An object's metadata as the backend reports it.
 *
 * @param key the object's key
 * @param size its full size in bytes (not the size of a requested range)
 * @param etag the backend's version tag (Swift/S3 ETag, unquoted); changes whenever the content does
 * @param lastModified when this version was written, as the backend reports it
 * @param userMetadata user metadata, keys in lower case without backend prefix
 *     ({@code ironclad-digest}, not {@code X-Object-Meta-Ironclad-Digest})
 */
public record ObjectInfo(ObjectKey key, long size, String etag, Instant lastModified, Map<String, String> userMetadata) {

    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(lastModified, "lastModified is null");
        userMetadata = Map.copyOf(requireNonNull(userMetadata, "userMetadata is null"));
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    public Optional<String> metadata(String name) {
        return Optional.ofNullable(userMetadata.get(name));
    }
}
