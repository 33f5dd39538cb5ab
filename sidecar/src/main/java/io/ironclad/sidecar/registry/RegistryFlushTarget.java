package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.Expectation;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.writeback.FlushTarget;
import io.ironclad.sidecar.metadata.WritebackPending.PendingBlob;
import jakarta.inject.Singleton;

/** The write-back flush through the push's own path: digest lock, write intent, {@link ConsistentStore#put} (integrity metadata, barrier). */
@Singleton
final class RegistryFlushTarget implements FlushTarget {

    private final ConsistentStore store;
    private final Coordination coordination;
    private final BlobWriteGuard writeGuard;
    private final Metadata metadata;

    RegistryFlushTarget(ConsistentStore store, Coordination coordination, BlobWriteGuard writeGuard, Metadata metadata) {
        this.store = store;
        this.coordination = coordination;
        this.writeGuard = writeGuard;
        this.metadata = metadata;
    }

    @Override
    public void store(PendingBlob blob, Payload bytes) throws StorageException {
        try (Coordination.DigestLock lock = coordination.lockForWrite(blob.digest()); BlobWriteGuard.Intent intent = writeGuard.begin(blob.digest())) {
            store.put(ObjectKey.of(blob.storedKey()), Expectation.of(blob.digest(), blob.size()), bytes);
        }
    }

    @Override
    public boolean storeDown() {
        return store.availability().isOpen();
    }

    @Override
    public boolean dropIfUnreferenced(Digest digest, Runnable drop) {
        return PendingDrops.dropIfUnreferenced(coordination, metadata, digest, drop);
    }
}
