package io.ironclad.sidecar.registry;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.writeback.ReadContext;
import io.ironclad.sidecar.writeback.Writeback;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Blobs of a repository: lookups from the database, verified reads through the
 * {@link ConsistentStore} (or, while write-back holds a blob, from the replica holding it),
 * monolithic pushes, mounts and deletes. Every store write of a blob holds the digest's write
 * lock and a {@link BlobWriteGuard} intent, so no collector deletes the bytes under a new row.
 */
@Singleton
public final class BlobService {

    private final ConsistentStore store;
    private final Metadata metadata;
    private final Coordination coordination;
    private final BlobWriteGuard writeGuard;
    private final Writeback writeback;

    BlobService(ConsistentStore store, Metadata metadata, Coordination coordination, BlobWriteGuard writeGuard, Writeback writeback) {
        this.store = requireNonNull(store, "store is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.coordination = requireNonNull(coordination, "coordination is null");
        this.writeGuard = requireNonNull(writeGuard, "writeGuard is null");
        this.writeback = requireNonNull(writeback, "writeback is null");
    }

    /** The blob as linked into {@code repository}, from the database only; BLOB_UNKNOWN if it is not. */
    public BlobRow blob(String repository, Digest digest) {
        return metadata.findLinkedBlob(repository, digest)
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + repository));
    }

    /** The blob's verified bytes: from the store, or while it is pending write-back, from the replica holding it. */
    public VerifiedContent open(BlobRow blob, Optional<ByteRange> range, ReadContext context) throws StorageException {
        Optional<VerifiedContent> pending = writeback.openPending(blob.digest(), range, context);
        if (pending.isPresent()) {
            return pending.get();
        }
        return store.open(ObjectKey.of(blob.storedKey()), Expectation.known(blob.digest(), blob.size()), range);
    }

    /** Unlinks the blob from {@code repository}; BLOB_UNKNOWN if it was not linked. */
    public void delete(String repository, Digest digest) {
        if (!metadata.unlinkBlob(repository, digest)) {
            throw new RegistryException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + repository);
        }
        if (writeback.enabled()) {
            // when the lock is not granted, the flush job's next round drops it (same decision, same lock)
            PendingDrops.dropIfUnreferenced(coordination, metadata, digest, () -> writeback.unreferenced(digest));
        }
    }

    /** Links a blob of another repository into {@code repository}; empty if the source lacks it. */
    public Optional<BlobRow> mount(String repository, Digest digest, String from) {
        // the intent keeps the blob collector away while the link is made (see BlobWriteGuard): without it, a
        // collector on a replica cut off from the coordination service could delete the bytes under the new link
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            Optional<BlobRow> source = metadata.findLinkedBlob(from, digest);
            source.ifPresent(b -> metadata.linkBlob(repository, digest));
            return source;
        }
    }

    /** Repositories holding {@code digest}: the sources an automatic mount may link it from (the first 100). */
    public List<String> repositoriesHolding(Digest digest) {
        return metadata.repositoriesLinking(digest, 100);
    }

    /** Monolithic upload: streams {@code body} into the store, then records the blob; DIGEST_INVALID if it does not match. */
    public BlobRow put(String repository, Digest digest, Payload body) throws StorageException {
        ObjectKey key = BlobLayout.key(digest);
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            BlobRow row = new BlobRow(digest, storeOrKeep(key, digest, body), key.value());
            metadata.recordBlob(repository, row);
            return row;
        } catch (IntegrityException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the body does not match " + digest + " and its length", e);
        }
    }

    /** Stores the body, or keeps it for write-back when the store is down; returns its size. */
    private long storeOrKeep(ObjectKey key, Digest digest, Payload body) throws StorageException {
        try {
            return store.put(key, Expectation.of(digest, body.size()), body).size();
        } catch (IntegrityException e) {
            throw e;
        } catch (StorageException e) {
            if (writeback.covers(e) && writeback.keep(digest, body.size(), key.value(), body)) {
                return body.size();
            }
            throw e;
        }
    }
}
