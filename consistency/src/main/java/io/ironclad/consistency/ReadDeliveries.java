package io.ironclad.consistency;

import static io.ironclad.consistency.Verification.bodyProblem;
import static io.ironclad.consistency.Verification.closeQuietly;
import static io.ironclad.consistency.Verification.integrity;
import static io.ironclad.consistency.Verification.stored;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;

/**
 * The ways a body whose metadata checked out reaches the caller, each verified before the body
 * completes: a verified cache file, the store's own local file hashed in place, a spool into the
 * cache (spool mode), a small body in memory, or a stream hashed as it passes (stream mode, the
 * last byte withheld until verified).
 */
final class ReadDeliveries {

    private final StoreContext context;
    private final VerifiedCache cache;
    private final LocalFileVerifier localFiles;

    ReadDeliveries(StoreContext context, VerifiedCache cache, LocalFileVerifier localFiles) {
        this.context = context;
        this.cache = cache;
        this.localFiles = localFiles;
    }

    /** Picks the delivery for {@code content}; empty when the body was refused (already reported and waited for). */
    Optional<VerifiedContent> deliver(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, Attempts attempts) throws StorageException {
        long size = Verification.expectedSize(content.info(), expected);
        Optional<ByteRange> clamped = clamp(key, range, size);
        if (content.body() instanceof FileRegionStream file && file.remaining() == size) {
            return inPlace(key, expected, clamped, content, file, size, attempts);
        }
        if (context.config.mode() == VerificationMode.SPOOL) {
            return spool(key, expected, clamped, content, size, attempts);
        }
        if (size <= context.config.smallObjectBytes()) {
            return inMemory(key, expected, clamped, content, size, attempts);
        }
        return Optional.of(streaming(key, expected, clamped, content, size));
    }

    /** The verified cache's file for the expected digest, if it holds one of the expected size. */
    Optional<VerifiedContent> cached(ObjectKey key, Expectation expected, Optional<ByteRange> range) throws StorageException {
        Optional<Path> file = cache.lookup(expected.digest());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file.get());
            if (expected.size().isPresent() && expected.size().getAsLong() != size) {
                return Optional.empty(); // the caller expects other content under this digest: let the store decide
            }
            Optional<ByteRange> clamped = clamp(key, range, size);
            InputStream body = openFile(file.get(), clamped);
            touch(file.get());
            StoredObject object = new StoredObject(key, expected.digest(), size, "",
                    Files.getLastModifiedTime(file.get()).toInstant(), false);
            return Optional.of(new VerifiedContent(object, clamped, body, true));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // evicted between lookup and open
        } catch (IOException e) {
            throw new StorageException(context.driverName(), key, "reading verified cache file failed: " + e.getMessage(), e);
        }
    }

    private Optional<VerifiedContent> spool(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size, Attempts attempts) throws StorageException {
        Path temp = null;
        try (ObjectContent body = content) {
            temp = cache.newTempFile();
            Hasher hasher = Hashers.fast(expected.digest().algorithm());
            long copied;
            try (OutputStream out = Files.newOutputStream(temp)) {
                copied = Verification.copyHashing(body.body(), out, hasher, size);
            }
            Optional<String> problem = bodyProblem(copied, size, hasher, expected.digest());
            if (problem.isPresent()) {
                VerifiedCache.deleteQuietly(temp);
                refuse(attempts, problem.get());
                return Optional.empty();
            }
            Path file = cache.admit(expected.digest(), temp);
            InputStream stream = openFile(file, range);
            cache.register(expected.digest(), size);
            StoredObject object = storedFromRead(key, expected, body.info(), size, attempts);
            return Optional.of(new VerifiedContent(object, range, stream, false));
        } catch (IOException e) {
            if (temp != null) {
                VerifiedCache.deleteQuietly(temp);
            }
            // a body that broke mid-way is like a transient error: retry it within the budget
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    /**
     * A body that is already a local file (the filesystem store): verified where it lies and served
     * from the store's own file instead of a cache copy; in spool mode hashed before the first byte
     * (a wrong file is retried, never half-served), in stream mode while it is sent (one pass, the
     * last byte withheld until verified: re-reading a local file would yield the same bytes). A
     * version verified before in this process is not hashed again.
     */
    private Optional<VerifiedContent> inPlace(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, FileRegionStream file, long size, Attempts attempts) throws StorageException {
        try {
            boolean known = localFiles.known(content.info(), expected.digest());
            if (!known && context.config.mode() == VerificationMode.STREAM) {
                // one pass: hashed while it is sent, the last byte withheld until verified, remembered once verified
                return Optional.of(verifyingFile(key, expected, range, content.info(), file, size));
            }
            if (!known) {
                Hasher hasher = Hashers.fast(expected.digest().algorithm());
                long read = LocalFileVerifier.hash(file, hasher, size);
                Optional<String> problem = bodyProblem(read, size, hasher, expected.digest());
                if (problem.isPresent()) {
                    closeQuietly(content);
                    refuse(attempts, problem.get());
                    return Optional.empty();
                }
                localFiles.remember(content.info(), expected.digest());
            }
            StoredObject object = storedFromRead(key, expected, content.info(), size, attempts);
            InputStream body = range.isEmpty() ? file : file.slice(range.get().first(), range.get().length());
            return Optional.of(new VerifiedContent(object, range, body, false));
        } catch (IOException e) {
            closeQuietly(content);
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    private Optional<VerifiedContent> inMemory(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size, Attempts attempts) throws StorageException {
        try (ObjectContent body = content) {
            byte[] bytes = body.body().readNBytes((int) Math.min(size + 1, Integer.MAX_VALUE - 16));
            Hasher hasher = Hashers.fast(expected.digest().algorithm());
            hasher.update(bytes, 0, bytes.length);
            Optional<String> problem = bodyProblem(bytes.length, size, hasher, expected.digest());
            if (problem.isPresent()) {
                refuse(attempts, problem.get());
                return Optional.empty();
            }
            StoredObject object = storedFromRead(key, expected, body.info(), size, attempts);
            int from = range.map(r -> (int) r.first()).orElse(0);
            int length = range.map(r -> (int) r.length()).orElse(bytes.length);
            return Optional.of(new VerifiedContent(object, range, new ByteArrayInputStream(bytes, from, length), false));
        } catch (IOException e) {
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    private VerifiedContent streaming(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size) {
        InputStream source = CacheFill.tee(content.body(), cache, expected.digest(), size);
        return verifying(key, expected, range, content.info(), source, size, () -> {
            if (source instanceof CacheFill fill) {
                fill.verified();
            }
        });
    }

    /**
     * Stream mode's first read of a store file: a {@link VerifyingFileBody} that reads as the
     * stream-mode body, or lets the HTTP layer send the file while another thread hashes it;
     * either way remembered once verified.
     */
    private VerifiedContent verifyingFile(ObjectKey key, Expectation expected, Optional<ByteRange> range, ObjectInfo info,
            FileRegionStream file, long size) {
        Runnable remember = () -> localFiles.remember(info, expected.digest());
        VerifiedContent streamed = verifying(key, expected, range, info, file, size, remember);
        long first = range.map(ByteRange::first).orElse(0L);
        VerifyingFileBody body = new VerifyingFileBody(file, first, streamed.length(), expected, refusal(key),
                onVerified(key, expected, integrity(info), remember), streamed.body());
        return new VerifiedContent(streamed.object(), range, body, false);
    }

    /**
     * Stream-mode verification of {@code source} (the whole object): hashed as it passes, the last
     * byte of the range withheld until the whole object hashed to the digest, then {@code verified} runs.
     */
    private VerifiedContent verifying(ObjectKey key, Expectation expected, Optional<ByteRange> range, ObjectInfo info,
            InputStream source, long size, Runnable verified) {
        Optional<IntegrityMetadata> integrity = integrity(info);
        StoredObject object = integrity.map(m -> stored(info, m))
                .orElseGet(() -> new StoredObject(key, expected.digest(), size, info.etag(), info.lastModified(), true));
        long first = range.map(ByteRange::first).orElse(0L);
        long last = range.map(ByteRange::last).orElse(size - 1);
        VerifyingInputStream body = new VerifyingInputStream(source, Hashers.fast(expected.digest().algorithm()),
                expected.digest(), size, first, last, refusal(key), onVerified(key, expected, integrity, verified));
        return new VerifiedContent(object, range, body, false);
    }

    /** A streamed body's refusal: reported as an integrity refusal, thrown as an {@link IntegrityException}. */
    private VerifyingInputStream.Refusal refusal(ObjectKey key) {
        return detail -> {
            context.events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "open", key, 1, Duration.ZERO, detail);
            return new IntegrityException(context.driverName(), key, "refused streamed body: " + detail);
        };
    }

    /** Runs {@code verified} once a streamed body verified, and reports a legacy object now known by its bytes. */
    private Runnable onVerified(ObjectKey key, Expectation expected, Optional<IntegrityMetadata> integrity, Runnable verified) {
        return () -> {
            verified.run();
            if (integrity.isEmpty()) {
                context.events.emit(ConsistencyEvent.Kind.LEGACY_VERIFIED, "open", key, 1, Duration.ZERO,
                        "legacy object hashed to " + expected.digest());
            }
        };
    }

    /** The stored object a verified read found: from its metadata, or a legacy object now known by its bytes (reported). */
    static StoredObject storedFromRead(ObjectKey key, Expectation expected, ObjectInfo info, long size, Attempts attempts) {
        Optional<IntegrityMetadata> integrity = integrity(info);
        if (integrity.isPresent()) {
            return stored(info, integrity.get());
        }
        attempts.report(ConsistencyEvent.Kind.LEGACY_VERIFIED, "legacy object hashed to " + expected.digest());
        return new StoredObject(key, expected.digest(), size, info.etag(), info.lastModified(), true);
    }

    /** A body that is not the expected content: reported, then retried within the budget. */
    static void refuse(Attempts attempts, String detail) throws ConsistencyTimeoutException, TransientStorageException {
        attempts.report(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, detail);
        attempts.failed(detail, null);
    }

    private Optional<ByteRange> clamp(ObjectKey key, Optional<ByteRange> range, long size) throws RangeNotSatisfiableException {
        if (range.isEmpty()) {
            return range;
        }
        if (!range.get().satisfiable(size)) {
            throw new RangeNotSatisfiableException(context.driverName(), key, "range " + range.get() + " beyond size " + size);
        }
        return Optional.of(range.get().clamp(size));
    }

    /** A verified cache file as a {@link FileRegionStream}, so the HTTP layer can send it in large direct reads. */
    private static InputStream openFile(Path file, Optional<ByteRange> range) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            long first = range.map(ByteRange::first).orElse(0L);
            long length = range.map(ByteRange::length).orElse(size);
            return new FileRegionStream(channel, first, length, "verified file " + file.getFileName());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Records the use in the file's modification time, the LRU order the cache is rebuilt from on restart. */
    private void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(context.clock.instant()));
        } catch (IOException e) {
            // only the order after a restart suffers
        }
    }
}
