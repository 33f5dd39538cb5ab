package io.ironclad.s3;

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
    private volatile boolean opened;
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
            if (opened) {
                throw new UncheckedIOException(new IOException("a part of a single-pass put cannot be sent twice"));
            }
            opened = true;
            return new Exact(nonClosing(shared));
        }
        try {
            opened = true;
            return new Exact(payload.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the payload: " + e.getMessage(), e);
        }
    }

    private static InputStream nonClosing(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the next part continues from here; the put closes the stream at the end
            }
        };
    }

    /** Yields exactly {@code length} bytes, fails if the payload ends early, and notes when the last byte was read. */
    private final class Exact extends FilterInputStream {
        private long remaining = length;

        Exact(InputStream in) {
            super(in);
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
            if (remaining == 0) {
                fullySent = true;
                return -1;
            }
            int n = super.read(buffer, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("payload ended " + remaining + " bytes early");
            }
            remaining -= n;
            if (remaining == 0) {
                fullySent = true;
            }
            return n;
        }

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

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
