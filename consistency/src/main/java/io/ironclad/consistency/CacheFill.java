package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies every byte a stream-mode read pulls from the store into a temp file of the verified
 * cache, so the first read fills the cache in the same pass instead of hashing into it before the
 * first byte. The file enters the cache only through {@link #verified()}, which the verifying
 * stream calls after the whole object hashed to its digest; a body that is refused, cut short or
 * closed early leaves no file behind. A failure to write the copy never fails the read: the copy
 * is dropped and the read goes on.
 */
final class CacheFill extends FilterInputStream {

    private final VerifiedCache cache;
    private final Digest digest;
    private final long size;
    private Path temp;
    private OutputStream out;

    private CacheFill(InputStream source, VerifiedCache cache, Digest digest, long size, Path temp) throws IOException {
        super(source);
        this.cache = cache;
        this.digest = digest;
        this.size = size;
        this.temp = temp;
        this.out = Files.newOutputStream(temp);
    }

    /** {@code source} teeing into a new temp file of {@code cache}, or {@code source} itself if no temp file can be made. */
    static InputStream tee(InputStream source, VerifiedCache cache, Digest digest, long size) {
        try {
            return new CacheFill(source, cache, digest, size, cache.newTempFile());
        } catch (IOException e) {
            return source; // a full or broken cache disk costs the cache fill, not the read
        }
    }

    /** Called once the whole object read through this stream verified: admits the copy. */
    void verified() {
        if (out == null) {
            return;
        }
        try {
            out.close();
            out = null;
            cache.admit(digest, temp);
            cache.register(digest, size);
            temp = null;
        } catch (IOException e) {
            drop();
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            copy(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            copy(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    private void copy(byte[] bytes, int offset, int length) {
        if (out == null) {
            return;
        }
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            drop();
        }
    }

    private void drop() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // the file is deleted below
            }
            out = null;
        }
        if (temp != null) {
            VerifiedCache.deleteQuietly(temp);
            temp = null;
        }
    }

    @Override
    public void close() throws IOException {
        drop(); // after verified() there is nothing left to drop
        super.close();
    }
}
