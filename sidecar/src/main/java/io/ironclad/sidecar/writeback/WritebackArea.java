package io.ironclad.sidecar.writeback;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code <data-dir>/writeback}: blobs kept while the store refuses them, content-addressed
 * ({@code blobs/<algorithm>/<hex>}), and the chunks of upload sessions received meanwhile
 * ({@code uploads/<session>}). Every file is fsynced, and so is its directory after a rename,
 * before a method returns: a file this class reported written survives {@code kill -9} and power
 * loss. The one exception is {@code shadows/<session>}, this replica's copy of the chunks an upload
 * session has in the store: a cache of bytes the store already holds durably, never fsynced, and
 * checked against the session's hash state before it is used ({@link #adoptShadow}). The bytes
 * held, shadows included, are bounded by {@code ironclad.writeback.max-bytes}.
 */
final class WritebackArea {

    private final Path blobs;
    private final Path uploads;
    private final Path shadows;
    private final Path tmp;
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    WritebackArea(Path root, long maxBytes) throws IOException {
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.uploads = Files.createDirectories(root.resolve("uploads"));
        this.shadows = Files.createDirectories(root.resolve("shadows"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.maxBytes = maxBytes;
        try (Stream<Path> leftovers = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                Files.deleteIfExists(p); // a copy that died before its rename was never acknowledged
            }
        }
        used.set(sizeOf(blobs) + sizeOf(uploads) + sizeOf(shadows));
    }

    /** Bytes held now. */
    long used() {
        return used.get();
    }

    /**
     * Copies {@code body} into the area under its digest once it hashed to {@code digest} over
     * {@code size} bytes; empty when the area has no room for it (nothing is kept then).
     *
     * @throws DigestMismatch if the body is not that content (nothing is kept)
     */
    Optional<Path> keep(Digest digest, long size, Payload body) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            return Optional.of(target);
        }
        if (!reserve(size)) {
            return Optional.empty();
        }
        Path temp = Files.createTempFile(tmp, "keep-", ".part");
        try {
            Digest actual;
            long count;
            try (InputStream in = body.open(); FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                Hasher hasher = Hashers.fast(digest.algorithm());
                count = copy(in, Channels.newOutputStream(out), hasher);
                out.force(true);
                actual = hasher.digest();
            }
            if (count != size || !actual.equals(digest)) {
                throw new DigestMismatch(digest + " over " + size + " bytes was expected, the body is " + actual + " over " + count);
            }
            Files.createDirectories(target.getParent());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return Optional.of(target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            used.addAndGet(-size);
            throw e;
        }
    }

    /**
     * Appends {@code chunk} to a local upload that durably holds {@code size} bytes (a longer file
     * is cut back first: the rest was never acknowledged); false when the area has no room.
     */
    boolean append(String sessionId, long size, Payload chunk) throws IOException {
        if (!reserve(chunk.size())) {
            return false;
        }
        Path file = uploads.resolve(sessionId);
        boolean created = !Files.exists(file);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE); InputStream in = chunk.open()) {
            long before = out.size();
            out.truncate(size);
            used.addAndGet(size - before);
            out.position(size);
            long count = copy(in, Channels.newOutputStream(out), null);
            out.force(true);
            if (count != chunk.size()) {
                throw new IOException("chunk of " + chunk.size() + " bytes ended after " + count);
            }
        } catch (IOException | RuntimeException e) {
            used.addAndGet(-chunk.size());
            throw e;
        }
        if (created) {
            syncDirectory(uploads);
        }
        return true;
    }

    /**
     * Moves a finished local upload to its digest's place if its first {@code size} bytes hash to
     * {@code digest}.
     *
     * @throws DigestMismatch otherwise (the upload's file is deleted)
     */
    Path promote(String sessionId, long size, Digest digest) throws IOException {
        Path file = uploads.resolve(sessionId);
        Hasher hasher = Hashers.fast(digest.algorithm());
        long count;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            long before = ch.size();
            ch.truncate(size);
            used.addAndGet(size - before);
            ch.position(0);
            count = copy(Channels.newInputStream(ch), OutputStream.nullOutputStream(), hasher);
        }
        Digest actual = hasher.digest();
        if (count != size || !actual.equals(digest)) {
            deleteUpload(sessionId);
            throw new DigestMismatch("the uploaded content is " + actual + ", not " + digest);
        }
        Path target = blobPath(digest);
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            deleteUpload(sessionId);
        } else {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
        }
        return target;
    }

    /**
     * Appends {@code chunk}, which the store has just taken, to the shadow of upload {@code sessionId}
     * at offset {@code size}. False, and no shadow left, when the shadow does not hold the first
     * {@code size} bytes (an earlier chunk went to another replica) or the area has no room.
     */
    boolean shadow(String sessionId, long size, Payload chunk) throws IOException {
        Path file = shadows.resolve(sessionId);
        long counted = Files.exists(file) ? Files.size(file) : 0;
        if (counted < size || !reserve(chunk.size())) {
            release(file);
            return false;
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE); InputStream in = chunk.open()) {
            out.truncate(size);
            used.addAndGet(size - counted);
            counted = size;
            out.position(size);
            if (copy(in, Channels.newOutputStream(out), null) != chunk.size()) {
                throw new IOException("chunk of " + chunk.size() + " bytes ended early");
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            used.addAndGet(-(counted + chunk.size()));
            throw e;
        }
        return true;
    }

    /**
     * Makes the shadow of {@code sessionId} that session's local upload if its first {@code size}
     * bytes are the ones {@code hashState} was computed over (a resumable hash of them exports the
     * same state): cut to that size, fsynced and renamed into {@code uploads/}. False, and the
     * shadow dropped, when it is missing, shorter or different.
     */
    boolean adoptShadow(String sessionId, long size, Digest.Algorithm algorithm, byte[] hashState) throws IOException {
        Path file = shadows.resolve(sessionId);
        if (!Files.isRegularFile(file) || Files.size(file) < size) {
            release(file);
            return false;
        }
        boolean same;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long before = ch.size();
            ch.truncate(size);
            used.addAndGet(size - before);
            Hasher hasher = Hashers.resumable(algorithm);
            long count = copy(Channels.newInputStream(ch.position(0)), OutputStream.nullOutputStream(), hasher);
            same = count == size && java.util.Arrays.equals(hasher.exportState(), hashState);
            if (same) {
                ch.force(true);
            }
        }
        if (!same) {
            release(file);
            return false;
        }
        Path target = uploads.resolve(sessionId);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(uploads);
        return true;
    }

    /** The sessions this replica holds a shadow of. */
    java.util.List<String> shadowed() {
        try (Stream<Path> files = Files.list(shadows)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing the write-back shadows: " + e.getMessage(), e);
        }
    }

    void dropShadow(String sessionId) {
        release(shadows.resolve(sessionId));
    }

    /** The kept copy of {@code digest}, if this replica holds one. */
    Optional<Path> find(Digest digest) {
        Path p = blobPath(digest);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The digests this replica keeps a copy of. */
    java.util.List<Digest> kept() {
        try (Stream<Path> files = Files.walk(blobs, 2)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> new Digest(Digest.Algorithm.fromOciName(p.getParent().getFileName().toString()), p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing the write-back area: " + e.getMessage(), e);
        }
    }

    void delete(Digest digest) {
        release(blobPath(digest));
    }

    void deleteUpload(String sessionId) {
        release(uploads.resolve(sessionId));
    }

    private void release(Path file) {
        try {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (Files.deleteIfExists(file)) {
                used.addAndGet(-size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + file.getFileName() + " from the write-back area: " + e.getMessage(), e);
        }
    }

    private Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm().ociName()).resolve(digest.hex());
    }

    private boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > maxBytes) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    private static long copy(InputStream in, OutputStream out, Hasher hasher) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long count = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (hasher != null) {
                hasher.update(buffer, 0, n);
            }
            count += n;
        }
        return count;
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** The bytes are not the content they were sent as. */
    static final class DigestMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        DigestMismatch(String message) {
            super(message);
        }
    }
}
