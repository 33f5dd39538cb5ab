package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * An opened object: its metadata and a stream over the requested bytes. Close it to release the
 * connection. A stream that ends early or fails mid-way throws {@link IOException}; it never ends
 * silently short.
 *
 * @param info the whole object's metadata
 * @param range the clamped range the body covers, or empty for the whole object
 * @param body the bytes
 */
public record ObjectContent(ObjectInfo info, Optional<ByteRange> range, InputStream body) implements Closeable {

    public ObjectContent {
        requireNonNull(info, "info is null");
        requireNonNull(range, "range is null");
        requireNonNull(body, "body is null");
    }

    /** Number of bytes {@link #body()} yields. */
    public long length() {
        return range.map(ByteRange::length).orElse(info.size());
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
