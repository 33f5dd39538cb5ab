package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.ByteRange;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Bytes of a verified object: a verified local file (spool mode) or a pass-through stream that
 * fails with an {@link IOException} before its last byte if the content does not verify
 * (stream mode).
 *
 * @param object the object's verified metadata
 * @param range the clamped range {@link #body()} covers, or empty for the whole object
 * @param body the bytes
 * @param fromCache whether the bytes come from the verified local cache without touching the store
 */
public record VerifiedContent(StoredObject object, Optional<ByteRange> range, InputStream body, boolean fromCache)
        implements Closeable {

    public VerifiedContent {
        requireNonNull(object, "object is null");
        requireNonNull(range, "range is null");
        requireNonNull(body, "body is null");
    }

    /** Number of bytes {@link #body()} yields. */
    public long length() {
        return range.map(ByteRange::length).orElse(object.size());
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
