package io.ironclad.consistency;

import static io.ironclad.consistency.Verification.integrity;
import static io.ironclad.consistency.Verification.metadataProblem;
import static io.ironclad.consistency.Verification.stored;

import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The write side of a {@link DefaultConsistentStore}: verified puts, the redundancy check that
 * keeps an already stored copy, and the write barrier every write passes before it is answered.
 */
final class VerifiedWrites {

    /** Names a not yet started upload in events and errors. */
    static final ObjectKey NEW_UPLOAD = ObjectKey.of("upload/new");

    private final StoreContext context;

    VerifiedWrites(StoreContext context) {
        this.context = context;
    }

    StoredObject put(ObjectKey key, Expectation expected, Payload payload) throws StorageException {
        long size = expected.size().orElse(payload.size());
        if (payload.size() != size) {
            throw new IntegrityException(context.driverName(), key, "payload declares " + payload.size() + " bytes, expected " + size);
        }
        Optional<StoredObject> existing = existingSame(key, expected.digest(), size);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (size > context.driver.capabilities().partSize()) {
            return putInParts(key, expected.digest(), payload);
        }
        AtomicReference<HashingInputStream> lastStream = new AtomicReference<>();
        Payload hashing = Payload.of(size, () -> {
            HashingInputStream stream = new HashingInputStream(payload.open(), Hashers.fast(expected.digest().algorithm()));
            lastStream.set(stream);
            return stream;
        });
        PutOptions options = new IntegrityMetadata(expected.digest(), size, context.clock.instant()).toPutOptions();
        Attempts attempts = context.attempts("put", key);
        // content-addressed puts are idempotent, so an unknown outcome is retried like a transient error
        context.retryTransient(attempts, () -> {
            context.driver.put(key, hashing, options);
            return null;
        });
        HashingInputStream stream = lastStream.get();
        Digest actual = stream == null ? Hashers.fast(expected.digest().algorithm()).digest() : stream.digest();
        long count = stream == null ? 0 : stream.count();
        if (count != size || !actual.equals(expected.digest())) {
            context.driver.delete(key);
            String detail = "payload hashed to " + actual + " over " + count + " bytes, expected " + expected.digest() + " over " + size;
            context.events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "put", key, attempts.attempt(), attempts.elapsed(), detail);
            throw new IntegrityException(context.driverName(), key, "refused put: " + detail);
        }
        return barrier(key, expected.digest(), size);
    }

    /**
     * A body over the driver's part size goes as an upload of parts cut while it streams (Swift
     * segments, S3 parts), each retried alone: the driver's own large put would need the body
     * again for a retry (and Swift's reopens it for every segment), which a client's request body
     * streamed straight through cannot give.
     */
    private StoredObject putInParts(ObjectKey key, Digest digest, Payload payload) throws StorageException {
        // the key and metadata are known before the first part, so the driver may keep the parts under the key
        // itself (S3: no staging copy at commit); nothing is visible there before the hash matched and commit ran
        PutOptions options = new IntegrityMetadata(digest, payload.size(), context.clock.instant()).toPutOptions();
        ObjectWriter writer = context.retryTransient("start upload", NEW_UPLOAD, () -> context.driver.newWriter(key, options));
        DefaultUpload upload = DefaultUpload.inOneCall(context, this, writer, Hashers.fast(digest.algorithm()), options);
        try {
            upload.write(payload);
        } catch (StorageException | RuntimeException e) {
            try {
                upload.cancel();
            } catch (StorageException | RuntimeException suppressed) {
                e.addSuppressed(suppressed); // the parts stay behind, as after a failed chunked upload
            }
            throw e;
        }
        return upload.complete(key, digest);
    }

    /**
     * The stored object if {@code key} already holds this content: its metadata names it and its
     * bytes hash to it. A key whose metadata agrees but whose bytes do not (a broken object) is
     * reported and answered empty, so the caller's verified bytes replace it instead of being
     * discarded as redundant.
     */
    Optional<StoredObject> existingSame(ObjectKey key, Digest digest, long size) throws StorageException {
        try {
            Optional<ObjectInfo> info = context.driver.find(key, ReadOptions.PLAIN);
            if (info.isEmpty() || info.get().size() != size) {
                return Optional.empty();
            }
            MetadataVerdict verdict = MetadataVerdict.judge(info.get(), digest, size);
            if (verdict.agrees() && contentHashesTo(key, digest, size)) {
                return Optional.of(stored(info.get(), verdict.metadata().orElseThrow()));
            }
            return Optional.empty();
        } catch (TransientStorageException | ObjectNotFoundException e) {
            return Optional.empty(); // the write goes ahead; the barrier checks the result
        }
    }

    /** Hashes the freshest copy of {@code key} once; false (reported) when it is not {@code digest}. */
    private boolean contentHashesTo(ObjectKey key, Digest digest, long size) throws StorageException {
        try (ObjectContent content = context.driver.open(key, ReadOptions.FRESH)) {
            Hasher hasher = Hashers.fast(digest.algorithm());
            long read = Verification.copyHashing(content.body(), OutputStream.nullOutputStream(), hasher, size);
            Optional<String> problem = Verification.bodyProblem(read, size, hasher, digest);
            problem.ifPresent(p -> context.events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "redundancy check", key, 1,
                    Duration.ZERO, "stored object fails verification, replacing it with the pushed bytes: " + p));
            return problem.isEmpty();
        } catch (IOException e) {
            throw new TransientStorageException(context.driverName(), key,
                    "reading the stored object to check it failed: " + e.getMessage(), e);
        }
    }

    /** The write barrier: freshness-reads {@code key} until its metadata shows this content. */
    StoredObject barrier(ObjectKey key, Digest digest, long size) throws StorageException {
        Attempts attempts = context.attempts("barrier", key);
        Expectation expected = Expectation.known(digest, size);
        while (true) {
            attempts.next();
            try {
                ObjectInfo info = context.driver.stat(key, ReadOptions.FRESH);
                Optional<IntegrityMetadata> integrity = integrity(info);
                Optional<String> problem = integrity.isEmpty() ? Optional.of("no integrity metadata yet")
                        : metadataProblem(info, expected);
                if (problem.isEmpty()) {
                    attempts.succeeded();
                    return stored(info, integrity.get());
                }
                attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                attempts.failed(problem.get(), null);
            } catch (ObjectNotFoundException | TransientStorageException e) {
                attempts.failed(e.getMessage(), e);
            }
        }
    }
}
