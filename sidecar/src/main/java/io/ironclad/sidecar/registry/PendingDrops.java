package io.ironclad.sidecar.registry;

import io.ironclad.driver.Digest;
import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import java.util.Optional;

/**
 * The one decision that drops a pending write-back blob because nothing links it any more, made
 * under the digest's delete lock. Every push holds the digest's write lock from recording its
 * blob (a pending row included) until it has linked it, so under the delete lock "no repository
 * links it" is a fact, not a moment between a push's two statements that would lose an
 * acknowledged blob (the flush round and a blob DELETE both decide here).
 */
final class PendingDrops {

    private PendingDrops() {
    }

    /** Runs {@code drop} if, under the delete lock, no repository links {@code digest}; whether it ran. */
    static boolean dropIfUnreferenced(Coordination coordination, Metadata metadata, Digest digest, Runnable drop) {
        Optional<Coordination.DigestLock> lock = coordination.tryLockForDelete(digest);
        if (lock.isEmpty()) {
            return false;
        }
        try (Coordination.DigestLock held = lock.get()) {
            if (!metadata.repositoriesLinking(digest, 1).isEmpty()) {
                return false;
            }
            drop.run();
            return true;
        }
    }
}
