package io.ironclad.sidecar.http.body;

import io.ironclad.driver.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * A spool file read while it is still being written: what a large body's reader (the store,
 * on a blocking thread) sees once {@link BodyReceiver} has handed the body over before its last
 * byte arrived. A read past what has arrived waits until more arrives, the body completes, or it
 * fails (client gone, idle timeout), in which case the read throws at once, so the reading thread
 * is never left parked on a vanished client. Every stream starts from the first byte (a driver's
 * retry reads the whole body again).
 */
final class SpoolTail {

    private final Object monitor = new Object();
    private long written;
    private boolean complete;
    private Throwable failure;

    /** {@code bytes} of the body are now in the file. */
    void advance(long bytes) {
        synchronized (monitor) {
            written = bytes;
            monitor.notifyAll();
        }
    }

    void complete() {
        synchronized (monitor) {
            complete = true;
            monitor.notifyAll();
        }
    }

    void fail(Throwable cause) {
        synchronized (monitor) {
            if (failure == null) {
                failure = cause;
            }
            monitor.notifyAll();
        }
    }

    /**
     * The body in {@code file}, {@code length} bytes, as a payload whose every stream follows the
     * receiver as it writes; its regions are read the same way from their own first byte (the
     * file is only ever appended to, so a region read again yields the bytes it yielded before).
     */
    Payload payload(Path file, long length) {
        return new Payload() {
            @Override
            public long size() {
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                return SpoolTail.this.open(file, 0, length);
            }

            @Override
            public Optional<Payload> region(long offset, long regionLength) {
                Objects.checkFromIndexSize(offset, regionLength, length);
                return Optional.of(Payload.of(regionLength, () -> SpoolTail.this.open(file, offset, offset + regionLength)));
            }
        };
    }

    /** A stream over the bytes {@code from} to {@code end} (exclusive) of {@code file}, following the receiver as it writes. */
    private InputStream open(Path file, long from, long end) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new InputStream() {
            private long position = from;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                long available = awaitBeyond(position);
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(Math.min(len, available - position), end - position)), position);
                if (n < 0) {
                    throw new IOException("spooled request body is shorter than it was written");
                }
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** How many bytes are in the file, once that is more than {@code position}. */
    private long awaitBeyond(long position) throws IOException {
        synchronized (monitor) {
            while (failure == null && written <= position && !complete) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the request body");
                }
            }
            if (failure != null) {
                throw new IOException("request body ended early: " + failure.getMessage(), failure);
            }
            if (written <= position) {
                throw new IOException("request body ended after " + written + " bytes");
            }
            return written;
        }
    }
}
