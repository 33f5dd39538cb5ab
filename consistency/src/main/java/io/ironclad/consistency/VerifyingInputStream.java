package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Stream-mode verification: passes the bytes of {@code [first, last]} through while hashing the
 * whole object, and withholds the last byte of that range until the whole object has been read and
 * verified. On a wrong digest, a short or a long body it throws an {@link IOException} caused by
 * an {@link IntegrityException} instead of the last byte, so no consumer completes a wrong body.
 * A range therefore costs a read of the whole object.
 */
final class VerifyingInputStream extends InputStream {

    /** Builds the exception for a refused body and reports it. */
    interface Refusal {
        IntegrityException refuse(String detail);
    }

    private final InputStream source;
    private final Hasher hasher;
    private final Digest expected;
    private final long size;
    private final long first;
    private final long last;
    private final Refusal refusal;
    private final Runnable onVerified;
    private final byte[] scratch = new byte[64 * 1024];
    private long position;
    private boolean finished;

    /** For an empty object pass {@code first = 0, last = -1}. */
    VerifyingInputStream(InputStream source, Hasher hasher, Digest expected, long size, long first, long last,
            Refusal refusal, Runnable onVerified) {
        this.source = source;
        this.hasher = hasher;
        this.expected = expected;
        this.size = size;
        this.first = first;
        this.last = last;
        this.refusal = refusal;
        this.onVerified = onVerified;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (finished) {
            return -1;
        }
        skipToRangeStart();
        if (position < last) {
            int wanted = (int) Math.min(length, last - position);
            int n = source.read(buffer, offset, wanted);
            if (n < 0) {
                throw refused("body ended after " + position + " bytes, expected " + size);
            }
            hasher.update(buffer, offset, n);
            position += n;
            return n;
        }
        int finalByte = position == last ? readFinalByte() : -1;
        verifyRest();
        finished = true;
        if (finalByte < 0) {
            return -1;
        }
        buffer[offset] = (byte) finalByte;
        return 1;
    }

    private void skipToRangeStart() throws IOException {
        while (position < first) {
            int n = source.read(scratch, 0, (int) Math.min(scratch.length, first - position));
            if (n < 0) {
                throw refused("body ended after " + position + " bytes, expected " + size);
            }
            hasher.update(scratch, 0, n);
            position += n;
        }
    }

    private int readFinalByte() throws IOException {
        int b = source.read();
        if (b < 0) {
            throw refused("body ended after " + position + " bytes, expected " + size);
        }
        scratch[0] = (byte) b;
        hasher.update(scratch, 0, 1);
        position++;
        return b;
    }

    private void verifyRest() throws IOException {
        int n;
        while ((n = source.read(scratch)) >= 0) {
            hasher.update(scratch, 0, n);
            position += n;
            if (position > size) {
                throw refused("body longer than expected " + size + " bytes");
            }
        }
        if (position != size) {
            throw refused("body ended after " + position + " bytes, expected " + size);
        }
        Digest actual = hasher.digest();
        if (!actual.equals(expected)) {
            throw refused("body hashes to " + actual + ", expected " + expected);
        }
        onVerified.run();
    }

    private IOException refused(String detail) {
        finished = true;
        IntegrityException cause = refusal.refuse(detail);
        return new IOException(cause.getMessage(), cause);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
