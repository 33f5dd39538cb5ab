package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import java.time.Instant;

/**
 * A verified object.
 *
 * @param key where it is stored
 * @param digest its content digest
 * @param size its size in bytes
 * @param etag the backend's version tag
 * @param written when Ironclad wrote it (from {@code ironclad-written}; the backend's
 *     last-modified time for legacy objects)
 * @param legacy whether it lacked integrity metadata and was verified by hashing its content
 */
public record StoredObject(ObjectKey key, Digest digest, long size, String etag, Instant written, boolean legacy) {

    public StoredObject {
        requireNonNull(key, "key is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(written, "written is null");
    }
}
