package io.ironclad.s3;

import io.ironclad.driver.BoundedInputStream;
import io.ironclad.driver.Payload;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body of known length that streams from a {@link Payload}, and remembers whether the
 * whole body went out, which decides whether a failure afterwards leaves the outcome unknown.
 * Each {@link ContentStreamProvider#newStream()} reopens the payload; a body made with
 * {@link #next} instead reads the next bytes of one already open stream (the parts of a large
 * put), which cannot be read twice.
 */
final class PayloadBody implements ContentStreamProvider {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final Payload payload;
    private final InputStream shared;
    private final long length;
    private volatile long consumed;
    private volatile boolean fullySent;

    private PayloadBody(Payload payload, InputStream shared, long length) {
        this.payload = payload;
        this.shared = shared;
        this.length = length;
    }

    static PayloadBody of(Payload payload) {
        return new PayloadBody(payload, null, payload.size());
    }

    /** The next {@code length} bytes of {@code stream}: one part of a large put read in a single pass. */
    static PayloadBody next(InputStream stream, long length) {
        return new PayloadBody(null, stream, length);
    }

    long length() {
        return length;
    }

    boolean fullySent() {
        return fullySent;
    }

    RequestBody requestBody() {
        return length == 0 ? RequestBody.empty() : RequestBody.fromContentProvider(this, length, CONTENT_TYPE);
    }

    @Override
    public InputStream newStream() {
        fullySent = false;
        if (shared != null) {
            // the SDK opens a body while signing and again to send it; only bytes already read cannot come back
            if (consumed > 0) {
                throw new UncheckedIOException(new IOException("a part of a single-pass put cannot be sent twice"));
            }
            return new Exact(nonClosing(shared));
        }
        return new Exact(new Deferred());
    }

    private static InputStream nonClosing(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the next part continues from here; the put closes the stream at the end
            }
        };
    }

    /**
     * Yields exactly {@code length} bytes ({@link BoundedInputStream}: fails if the payload ends
     * early) and notes how many went out and when the last byte was read.
     */
    private final class Exact extends BoundedInputStream {

        Exact(InputStream source) {
            super(source, length, "payload");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = super.read(buffer, off, len);
            if (n < 0) {
                fullySent = true;
                return -1;
            }
            consumed += n;
            if (remaining() == 0) {
                fullySent = true;
            }
            return n;
        }

        /** Skipped bytes count as sent, so they go through {@link #read(byte[], int, int)}. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (read < 0) {
                    break;
                }
                skipped += read;
            }
            return skipped;
        }
    }

    /**
     * The payload, opened at the first read: the SDK asks for a stream while signing that it
     * never reads, and a payload that can be read only once (a client's request body) must not be
     * spent on that.
     */
    private final class Deferred extends InputStream {
        private InputStream in;

        private InputStream source() throws IOException {
            if (in == null) {
                in = payload.open();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return source().read();
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            return source().read(buffer, off, len);
        }

        @Override
        public int available() throws IOException {
            return in == null ? 0 : in.available();
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
