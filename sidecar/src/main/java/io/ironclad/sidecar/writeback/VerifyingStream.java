package io.ironclad.sidecar.writeback;

import io.ironclad.consistency.Hasher;
import io.ironclad.driver.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a whole blob through while hashing it and holds its last byte back until the hash and
 * length are checked: a body that is not {@code expected} fails with an {@link IOException}
 * before it is complete, so no client ever holds a whole wrong body.
 */
final class VerifyingStream extends FilterInputStream {

    private final Hasher hasher;
    private final Digest expected;
    private final long size;
    private long count;
    private int held = -1;
    private boolean done;

    VerifyingStream(InputStream in, Hasher hasher, Digest expected, long size) {
        super(in);
        this.hasher = hasher;
        this.expected = expected;
        this.size = size;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (done) {
            return -1;
        }
        if (held < 0 && !take()) {
            return finish(); // empty body
        }
        buffer[offset] = (byte) held;
        int n = 0;
        while (length > 1 && n == 0) {
            n = in.read(buffer, offset + 1, length - 1);
        }
        if (n > 0) {
            update(buffer, offset + 1, n);
            held = buffer[offset + n] & 0xff; // the newest byte is held back again
            return n;
        }
        if (length == 1 && take()) {
            return 1; // the byte handed out was not the last: the next one is held now
        }
        int last = held;
        held = -1;
        buffer[offset] = (byte) last;
        finish();
        return 1;
    }

    /** Reads one more byte into {@link #held}; false at the end of the stream. */
    private boolean take() throws IOException {
        int b = in.read();
        if (b < 0) {
            return false;
        }
        update(new byte[] {(byte) b}, 0, 1);
        held = b;
        return true;
    }

    private int finish() throws IOException {
        done = true;
        Digest actual = hasher.digest();
        if (count != size || !actual.equals(expected)) {
            throw new IOException("proxied body of " + expected + " is " + actual + " over " + count + " bytes, expected " + size);
        }
        return -1;
    }

    private void update(byte[] bytes, int offset, int length) {
        hasher.update(bytes, offset, length);
        count += length;
    }

    /** Reads {@code in} to its end into {@code hasher}; returns the bytes read. */
    static long drain(InputStream in, Hasher hasher) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            hasher.update(buffer, 0, n);
            total += n;
        }
        return total;
    }
}
