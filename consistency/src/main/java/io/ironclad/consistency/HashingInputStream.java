package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hashes and counts the bytes read through it (the write path: a driver reads the payload through this). */
final class HashingInputStream extends FilterInputStream {

    private final Hasher hasher;
    private long count;

    HashingInputStream(InputStream in, Hasher hasher) {
        super(in);
        this.hasher = hasher;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            hasher.update(new byte[] {(byte) b}, 0, 1);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            hasher.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes would escape the hash: read them instead
        return SkipByReading.skip(this, n);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    Digest digest() {
        return hasher.digest();
    }

    Hasher hasher() {
        return hasher;
    }
}
