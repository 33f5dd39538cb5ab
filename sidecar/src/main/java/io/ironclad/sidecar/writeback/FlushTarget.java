package io.ironclad.sidecar.writeback;

import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.metadata.WritebackPending.PendingBlob;

/**
 * The registry's write path as the flush job needs it; implemented beside the registry, which
 * owns the digest locks and the write intents that keep a store write apart from the collector.
 */
public interface FlushTarget {

    /**
     * Stores {@code bytes} as {@code blob} exactly as a push would: under the digest lock and a
     * write intent, with integrity metadata, returning only once the write barrier saw it.
     *
     * @throws StorageException as {@code ConsistentStore.put} does; nothing is recorded then
     */
    void store(PendingBlob blob, Payload bytes) throws StorageException;

    /**
     * Whether the store is known to be down (its circuit breaker is open or half open): a round
     * then flushes nothing and counts no failure, so the blobs are due the moment it closes.
     */
    boolean storeDown();

    /**
     * Runs {@code drop} if no repository links {@code digest} any more (an unlinked pending blob is
     * dropped, not flushed), deciding under the digest's delete lock: a push that recorded the
     * pending row holds the write lock until it has linked the blob, so it is either waited for
     * or seen, and an acknowledged blob is never dropped between its row and its link. Returns
     * whether it dropped; false, dropping nothing, when the lock cannot be had (the coordination
     * service is unreachable or a writer holds it past the lock timeout): the next round asks again.
     */
    boolean dropIfUnreferenced(Digest digest, Runnable drop);
}
