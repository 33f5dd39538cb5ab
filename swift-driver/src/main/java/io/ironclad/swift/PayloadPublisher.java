package io.ironclad.swift;

import io.ironclad.driver.Payload;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;

/**
 * Streams a payload as a request body of known length, reopening it for each send (a retry after
 * 401 sends it again), and remembers whether the whole body went out, which decides whether a
 * failure afterwards leaves the outcome unknown.
 */
final class PayloadPublisher {

    private final Payload payload;
    private final long offset;
    private final long length;
    private volatile boolean fullySent;

    private PayloadPublisher(Payload payload, long offset, long length) {
        this.payload = payload;
        this.offset = offset;
        this.length = length;
    }

    static PayloadPublisher of(Payload payload) {
        return new PayloadPublisher(payload, 0, payload.size());
    }

    /** The {@code length} bytes of {@code payload} from {@code offset}: one segment of a large put. */
    static PayloadPublisher slice(Payload payload, long offset, long length) {
        return new PayloadPublisher(payload, offset, length);
    }

    long length() {
        return length;
    }

    boolean fullySent() {
        return fullySent;
    }

    BodyPublisher publisher() {
        fullySent = false;
        if (length == 0) {
            fullySent = true;
            return HttpRequest.BodyPublishers.noBody();
        }
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(this::open), length);
    }

    private InputStream open() {
        try {
            InputStream in = payload.open();
            in.skipNBytes(offset);
            return new Tracking(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Yields exactly {@code length} bytes and notes when the last one was read. */
    private final class Tracking extends FilterInputStream {
        private long remaining = length;

        Tracking(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
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
    }
}
