package io.ironclad.consistency;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Cuts a chunk (the body of one PATCH, or a whole monolithic upload) into parts of the driver's
 * {@link Capabilities#partSize()} as it streams to the backend, so no single request exceeds the
 * backend's object or part limit, whatever size the client's chunk has. The chunk is read once;
 * each part is a {@link ReplayablePart}, so a transient failure retries that part alone (from the
 * chunk's own file where it has one, {@link Payload#region}, else from a spool copy of the part). A chunk
 * that is an immutable file and fits one part goes to the driver as it is (no part spool).
 *
 * <p>Cut points: parts of {@code partSize} while at least {@code partSize + minPartSize} bytes
 * remain, then the rest as one part. So the chunk's last part is at least the driver's minimum
 * whenever the chunk is (the OCI-Chunk-Min-Length rule asks that of every chunk but the last),
 * and a following chunk may be appended; where the minimum is 1 (Swift) every part is exactly
 * {@code partSize} but the last. The part size is capped at {@code maxPartSize - minPartSize + 1}
 * so that a last part grown by a short remainder still stays within the backend's limit.
 */
final class ChunkParts {

    /** Told after each part the driver confirmed. */
    @FunctionalInterface
    interface Progress {
        /** {@code hasher} holds the running hash after the part; the caller exports its state if it persists it. */
        void partWritten(Hasher hasher, long bytes);
    }

    private final StoreContext store;
    private final ObjectWriter writer;
    private final Capabilities capabilities;
    private final Path spoolDirectory;

    ChunkParts(StoreContext store, ObjectWriter writer, Capabilities capabilities, Path spoolDirectory) {
        this.store = store;
        this.writer = writer;
        this.capabilities = capabilities;
        this.spoolDirectory = spoolDirectory;
    }

    /** The size of the next part to cut when {@code remaining} bytes of a chunk are left. */
    static long nextPartSize(long remaining, Capabilities capabilities) {
        long min = capabilities.minPartSize();
        long cut = Math.max(min, Math.min(capabilities.partSize(), capabilities.maxPartSize() - min + 1));
        return remaining - cut >= min ? cut : remaining;
    }

    /**
     * Writes {@code chunk} as one part or more (one empty part for an empty chunk), hashing into
     * {@code hasher}; {@code progress} hears of each part once the driver confirmed it, so a
     * failure later in the chunk leaves the parts before it recorded.
     *
     * @throws IntegrityException if the chunk yields fewer bytes than it declares
     */
    void write(Payload chunk, Hasher hasher, ObjectKey label, Progress progress) throws StorageException {
        if (chunk.immutableFile().isPresent() && chunk.size() > 0 && nextPartSize(chunk.size(), capabilities) == chunk.size()) {
            writeWholeFile(chunk, hasher, label, progress);
            return;
        }
        try (InputStream in = chunk.open()) {
            long remaining = chunk.size();
            do {
                long length = nextPartSize(remaining, capabilities);
                writePart(in, chunk.region(chunk.size() - remaining, length), length, hasher, label, progress);
                remaining -= length;
            } while (remaining > 0);
        } catch (IOException e) {
            throw new StorageException(store.driverName(), label, "reading the chunk failed: " + e.getMessage(), e);
        }
    }

    /**
     * A chunk that is one part and an immutable file (a spooled request body) is hashed from the
     * file and handed to the driver as it is: the file cannot change between the hash and the
     * driver's read, a retry reads it again, and a local store may link it rather than copy it.
     * No spool copy of the part is made.
     */
    private void writeWholeFile(Payload chunk, Hasher hasher, ObjectKey label, Progress progress) throws StorageException {
        int number = writer.state().parts().size() + 1;
        long hashed;
        try (InputStream in = chunk.open()) {
            hashed = Verification.copyHashing(in, OutputStream.nullOutputStream(), hasher, chunk.size());
        } catch (IOException e) {
            throw new StorageException(store.driverName(), label, "reading the chunk failed: " + e.getMessage(), e);
        }
        if (hashed != chunk.size()) {
            throw new IntegrityException(store.driverName(), label, "part " + number + " yielded " + hashed
                    + " bytes, declared " + chunk.size());
        }
        store.retryTransient("append", label, () -> writer.writePart(number, chunk));
        progress.partWritten(hasher, chunk.size());
    }

    /** One part cut from {@code in}; replayed from {@code region} when the chunk has one for it, else from a spool copy. */
    private void writePart(InputStream in, Optional<Payload> region, long length, Hasher hasher, ObjectKey label,
            Progress progress) throws StorageException, IOException {
        int number = writer.state().parts().size() + 1;
        try (ReplayablePart part = region.isPresent() ? new ReplayablePart(in, length, hasher, region.get())
                : new ReplayablePart(in, length, hasher, spoolDirectory)) {
            try {
                store.retryTransient("append", label, () -> writer.writePart(number, part));
            } catch (StorageException e) {
                Optional<IOException> clientFailure = part.chunkFailure();
                if (clientFailure.isPresent()) {
                    // not the backend's fault, whatever the driver made of it
                    throw new StorageException(store.driverName(), label, "reading the chunk failed in part " + number + " after "
                            + part.taken() + " of its " + length + " bytes: " + clientFailure.get().getMessage(), clientFailure.get());
                }
                throw e;
            }
            if (part.taken() != length) {
                throw new IntegrityException(store.driverName(), label, "part " + number + " yielded " + part.taken()
                        + " bytes to the driver, declared " + length);
            }
            progress.partWritten(hasher, length);
        }
    }
}
