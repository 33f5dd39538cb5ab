package io.ironclad.sidecar;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process striped locks per blob digest, so that the blob collector never deletes bytes a
 * push of the same digest is recording at the same moment. Covers one process only; several
 * replicas need the ZooKeeper locks of the design (not in this build).
 */
@Singleton
final class DigestLocks {

    private final ReentrantLock[] stripes = new ReentrantLock[256];

    DigestLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock lock(Digest digest) {
        ReentrantLock lock = stripes[Math.floorMod(digest.hex().hashCode(), stripes.length)];
        lock.lock();
        return lock;
    }
}
