package io.ironclad.driver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Yields exactly {@code remaining} bytes of the underlying stream: stops there, and fails with an
 * {@link IOException} if the stream ends earlier, so a body cut short never looks complete.
 * Drivers wrap object bodies of a known length in it.
 */
public class BoundedInputStream extends FilterInputStream {

    private final String what;
    private long remaining;

    /** {@code what} names the stream in the error, e.g. {@code "object"}. */
    public BoundedInputStream(InputStream in, long remaining, String what) {
        super(in);
        this.remaining = remaining;
        this.what = what;
    }

    /** Bytes not yet read. */
    public final long remaining() {
        return remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int b = super.read();
        if (b < 0) {
            throw new IOException(what + " ended " + remaining + " bytes early");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException(what + " ended " + remaining + " bytes early");
        }
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
