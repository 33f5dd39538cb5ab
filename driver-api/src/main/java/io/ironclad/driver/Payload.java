package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Bytes to store, of a known size, that can be read from the start as often as needed (a driver
 * reopens the payload to retry a failed request). Modelled on Guava's {@code ByteSource}.
 */
public interface Payload {

    /** Exact number of bytes every {@link #open()} stream yields. */
    long size();

    /** A new stream over the whole payload; the caller closes it. */
    InputStream open() throws IOException;

    /**
     * The file that holds exactly this payload's bytes, when it is one that is never written again
     * (only removed): a driver on the same filesystem may then hard-link it instead of copying its
     * bytes, and a caller may read it more than once. Empty (the default) for any other payload;
     * a payload that wraps or transforms another's stream must leave it empty.
     */
    default Optional<Path> immutableFile() {
        return Optional.empty();
    }

    /**
     * The {@code length} bytes at {@code offset} as a payload of their own, when this payload can
     * read them without reading the bytes before them and they never change (a region of an
     * immutable or append-only file): a caller that cut a part out of this payload's stream may
     * then read the part again from here instead of keeping a copy of it. Empty (the default)
     * for any other payload; a payload that wraps or transforms another's stream must leave it empty.
     */
    default Optional<Payload> region(long offset, long length) {
        return Optional.empty();
    }

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

    /**
     * The bytes of {@code file}, which the caller promises never to write again (it may remove it):
     * the payload answers it as its {@link #immutableFile()}. A file written in place later would
     * change whatever a driver linked to it.
     */
    static Payload ofImmutableFile(Path file) throws IOException {
        Payload contents = ofFile(file);
        return new Payload() {
            @Override
            public long size() {
                return contents.size();
            }

            @Override
            public InputStream open() throws IOException {
                return contents.open();
            }

            @Override
            public Optional<Path> immutableFile() {
                return Optional.of(file);
            }

            @Override
            public Optional<Payload> region(long offset, long length) {
                return Optional.of(ofFileRegion(file, offset, length, contents.size()));
            }
        };
    }

    /**
     * The {@code length} bytes at {@code offset} of a file that holds at least {@code offset + length}
     * bytes and never changes there, read with a positioned channel (no bytes before them read).
     */
    static Payload ofFileRegion(Path file, long offset, long length, long fileSize) {
        requireNonNull(file, "file is null");
        Objects.checkFromIndexSize(offset, length, fileSize);
        return new Payload() {
            @Override
            public long size() {
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                return new BoundedInputStream(Channels.newInputStream(channel), length, "region of " + file.getFileName());
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
