package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes to store, of a known size, that can be read from the start as often as needed (a driver
 * reopens the payload to retry a failed request). Modelled on Guava's {@code ByteSource}.
 */
public interface Payload {

    /** Exact number of bytes every {@link #open()} stream yields. */
    long size();

    /** A new stream over the whole payload; the caller closes it. */
    InputStream open() throws IOException;

    static Payload ofBytes(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        return new Payload() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    static Payload ofFile(Path file) throws IOException {
        requireNonNull(file, "file is null");
        long size = Files.size(file);
        return new Payload() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    /** A payload of {@code size} bytes produced by {@code source}, which must yield exactly that many. */
    static Payload of(long size, StreamSource source) {
        requireNonNull(source, "source is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        return new Payload() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return source.open();
            }
        };
    }

    /** Opens a fresh stream; the functional half of a payload. */
    @FunctionalInterface
    interface StreamSource {
        InputStream open() throws IOException;
    }
}
