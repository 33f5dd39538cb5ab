package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of one upstream blob fetch as they arrive, for the clients that wait on it: written
 * once, in order, to an unlinked temporary file (a blob never sits whole in heap), and hashed
 * here, independently of the store. A reader gets every byte as soon as it is written except the
 * last one, which it gets only once all {@code size} bytes hashed to the digest; a body that does
 * not, or a fetch that fails, fails every reader instead, so no client ever completes wrong bytes.
 * The file is closed (and its space freed) when the fetch and every reader let go of it.
 */
final class BlobSpool {

    private enum State { RECEIVING, VERIFIED, FAILED }

    private final FileChannel channel;
    private final Digest digest;
    private final long size;
    private final MessageDigest hash;
    private long written;
    private State state = State.RECEIVING;
    private String failure = "";
    private int holders = 1; // the fetch

    private BlobSpool(FileChannel channel, Digest digest, long size, MessageDigest hash) {
        this.channel = channel;
        this.digest = digest;
        this.size = size;
        this.hash = hash;
    }

    /** A spool for {@code digest} under {@code dir}; empty for a digest algorithm the JDK cannot hash (then nobody streams). */
    static Optional<BlobSpool> open(Path dir, Digest digest, long size) throws IOException {
        String jdk = switch (digest.algorithm()) {
            case SHA256 -> "SHA-256";
            case SHA512 -> "SHA-512";
            case BLAKE3 -> null;
        };
        if (jdk == null) {
            return Optional.empty();
        }
        MessageDigest hash;
        try {
            hash = MessageDigest.getInstance(jdk);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "blob-", ".spool");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.delete(file); // readable through the channel until it closes; nothing to clean up after a crash
        return Optional.of(new BlobSpool(channel, digest, size, hash));
    }

    long size() {
        return size;
    }

    /**
     * The fetch read {@code n} bytes at {@code position} of one attempt at the upstream body. Only
     * bytes past what is written are taken: a retried attempt starts at 0 again, and what readers
     * already got is never rewritten (the hash here covers exactly what they got).
     */
    synchronized void offer(long position, byte[] b, int off, int n) throws IOException {
        long end = Math.min(position + n, size);
        if (state != State.RECEIVING || end <= written || position > written) {
            return;
        }
        int skip = (int) (written - position);
        ByteBuffer fresh = ByteBuffer.wrap(b, off + skip, (int) (end - written));
        hash.update(fresh.duplicate());
        while (fresh.hasRemaining()) {
            written += channel.write(fresh, written);
        }
        notifyAll();
    }

    /** The fetch ended and the store accepted the body: the readers get the last byte if it hashed to the digest here too. */
    synchronized void complete() {
        if (state != State.RECEIVING) {
            return;
        }
        if (written == size && HexFormat.of().formatHex(hash.digest()).equals(digest.hex())) {
            state = State.VERIFIED;
        } else {
            state = State.FAILED;
            failure = "the bytes streamed for " + digest + " do not match it";
        }
        notifyAll();
    }

    synchronized void fail(String why) {
        if (state == State.RECEIVING) {
            state = State.FAILED;
            failure = why;
            notifyAll();
        }
    }

    /** A reader from byte 0, unless the spool failed or was closed already (then read the store). */
    synchronized Optional<InputStream> reader() {
        if (holders == 0 || state == State.FAILED) {
            return Optional.empty();
        }
        holders++;
        return Optional.of(new Reader());
    }

    /** The fetch (or a reader) lets go; the last one closes the file. */
    synchronized void release() {
        if (holders > 0 && --holders == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                // the file is unlinked already; its space is freed with the descriptor either way
            }
        }
    }

    /** How far a reader may read now: -1 at the end, else an exclusive limit above {@code position}. */
    private synchronized long awaitReadable(long position) throws IOException {
        while (true) {
            if (state == State.FAILED) {
                throw new IOException("upstream fetch of " + digest + " failed: " + failure);
            }
            long limit = state == State.VERIFIED ? size : Math.min(written, size - 1); // the last byte waits for the digest
            if (position < limit) {
                return limit;
            }
            if (state == State.VERIFIED) {
                return -1;
            }
            try {
                wait(1000); // woken by offer/complete/fail; the fetch itself is bounded by the upstream timeouts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for upstream bytes of " + digest);
            }
        }
    }

    private final class Reader extends InputStream {
        private long position;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long limit = awaitReadable(position);
            if (limit < 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, limit - position)), position);
            position += Math.max(n, 0);
            return n;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }
    }
}
