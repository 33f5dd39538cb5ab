package io.ironclad.consistency;

import io.ironclad.driver.Payload;
import io.ironclad.driver.PayloadConsumedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One part of a chunk, cut from the chunk's single stream while the driver sends it, and
 * replayable for a retry of just this part. The first read of each byte takes it from the chunk
 * (the client's request body), hashes it and copies it into a spool: a byte array for parts up
 * to {@link #IN_MEMORY_BYTES}, else a temp file of at most the part's length, deleted by
 * {@link #close()}; or, when the chunk can give this part's bytes again itself (a region of a
 * spooled request body's file, {@link Payload#region}), no copy at all, the replay read from
 * there. A later {@link #open()} replays the spool (or region) and then continues from the
 * chunk, so a part that failed half-way is resent without the client sending anything again,
 * and nothing is read from the client twice or buffered whole in the heap.
 *
 * <p>If the chunk itself fails (the client went away, the body ended early), that failure is
 * final: every later {@link #open()} throws {@link PayloadConsumedException}, which retry loops
 * take as "only the client can resend", so no backoff is spent on it.
 *
 * <p>Only the newest stream reads: opening another one retires the older (a driver's cancelled
 * request may still hold it), whose reads then fail. Not otherwise thread safe.
 */
final class ReplayablePart implements Payload, AutoCloseable {

    /** Parts up to this size are spooled in the heap; larger ones go to a temp file. */
    static final int IN_MEMORY_BYTES = 1 << 20;

    private final InputStream chunk;
    private final long length;
    private final Hasher hasher;
    private final byte[] memory;
    private final Path file;
    private final OutputStream fileOut;
    /** The chunk's own copy of this part's bytes, replayed from instead of a spool; null when spooled. */
    private final Payload region;
    private InputStream regionStream;
    private long regionPosition;
    private long taken;
    private int generation;
    private IOException chunkFailure;

    /**
     * @param chunk the chunk's stream, positioned where this part starts; read at most {@code length} bytes
     * @param hasher the running hash, updated with every byte as it is first taken from the chunk
     * @param spoolDirectory where a part over {@link #IN_MEMORY_BYTES} is spooled
     */
    ReplayablePart(InputStream chunk, long length, Hasher hasher, Path spoolDirectory) throws IOException {
        this.chunk = chunk;
        this.length = length;
        this.hasher = hasher;
        this.region = null;
        if (length <= IN_MEMORY_BYTES) {
            this.memory = new byte[(int) length];
            this.file = null;
            this.fileOut = null;
        } else {
            this.memory = null;
            Files.createDirectories(spoolDirectory);
            this.file = Files.createTempFile(spoolDirectory, "part-", ".spool");
            this.fileOut = Files.newOutputStream(file);
        }
    }

    /**
     * A part that keeps no copy of its bytes: a replay reads them from {@code region}, which must
     * yield exactly the {@code length} bytes the chunk's stream yields for this part.
     */
    ReplayablePart(InputStream chunk, long length, Hasher hasher, Payload region) {
        if (region.size() != length) {
            throw new IllegalArgumentException("region holds " + region.size() + " bytes, the part " + length);
        }
        this.chunk = chunk;
        this.length = length;
        this.hasher = hasher;
        this.region = region;
        this.memory = null;
        this.file = null;
        this.fileOut = null;
    }

    @Override
    public long size() {
        return length;
    }

    /** Bytes taken from the chunk so far (all of them hashed and spooled). */
    synchronized long taken() {
        return taken;
    }

    /** How reading the chunk failed, if it did: then only the client can send the bytes again. */
    synchronized java.util.Optional<IOException> chunkFailure() {
        return java.util.Optional.ofNullable(chunkFailure);
    }

    @Override
    public synchronized InputStream open() throws IOException {
        if (chunkFailure != null) {
            PayloadConsumedException consumed = new PayloadConsumedException("the client's body failed after " + taken
                    + " bytes of this part: " + chunkFailure.getMessage());
            consumed.initCause(chunkFailure);
            throw consumed;
        }
        return new Reader(++generation);
    }

    /** Removes the spool file, if any. */
    @Override
    public synchronized void close() throws IOException {
        generation++;
        closeRegionStream();
        if (file != null) {
            try {
                fileOut.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Reads up to {@code len} bytes at {@code position}: replayed from the spool, or newly taken from the chunk. */
    private synchronized int readAt(int readerGeneration, long position, byte[] buffer, int off, int len) throws IOException {
        if (readerGeneration != generation) {
            throw new IOException("this stream of the part was superseded by a newer one");
        }
        if (position >= length) {
            return -1;
        }
        int wanted = (int) Math.min(len, length - position);
        return position < taken ? replay(position, buffer, off, (int) Math.min(wanted, taken - position)) : take(buffer, off, wanted);
    }

    private int replay(long position, byte[] buffer, int off, int len) throws IOException {
        if (region != null) {
            return replayRegion(position, buffer, off, len);
        }
        if (memory != null) {
            System.arraycopy(memory, (int) position, buffer, off, len);
            return len;
        }
        fileOut.flush();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(position);
            return in.read(buffer, off, len);
        }
    }

    /** Reads from the region, kept open while reads go on where the last one ended (a replay reads sequentially). */
    private int replayRegion(long position, byte[] buffer, int off, int len) throws IOException {
        if (regionStream == null || regionPosition != position) {
            closeRegionStream();
            regionStream = region.open();
            regionStream.skipNBytes(position);
            regionPosition = position;
        }
        int n = regionStream.read(buffer, off, len);
        if (n < 0) {
            throw new IOException("the chunk's region of this part ended at " + position + " of its " + length + " bytes");
        }
        regionPosition += n;
        return n;
    }

    private void closeRegionStream() throws IOException {
        InputStream stream = regionStream;
        regionStream = null;
        if (stream != null) {
            stream.close();
        }
    }

    private int take(byte[] buffer, int off, int len) throws IOException {
        int n;
        try {
            n = chunk.read(buffer, off, len);
            if (n < 0) {
                throw new IOException("the chunk ended after " + taken + " of this part's " + length + " bytes");
            }
        } catch (IOException e) {
            chunkFailure = e;
            throw e;
        }
        hasher.update(buffer, off, n);
        if (region != null) {
            // nothing to keep: a replay reads the region
        } else if (memory != null) {
            System.arraycopy(buffer, off, memory, (int) taken, n);
        } else {
            fileOut.write(buffer, off, n);
        }
        taken += n;
        return n;
    }

    /** One pass over the part from its first byte. */
    private final class Reader extends InputStream {
        private final int readerGeneration;
        private long position;

        Reader(int readerGeneration) {
            this.readerGeneration = readerGeneration;
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
            int n = readAt(readerGeneration, position, buffer, off, len);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipping must still take the bytes from the chunk, so they are hashed and spooled
            return SkipByReading.skip(this, n);
        }
    }
}
