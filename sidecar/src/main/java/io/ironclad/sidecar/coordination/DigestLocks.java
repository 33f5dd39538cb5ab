package io.ironclad.sidecar.coordination;

import io.ironclad.driver.Digest;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process striped locks per blob digest: all the locking one process needs, and the first
 * step of every coordination implementation, so threads of one replica queue here instead of in
 * ZooKeeper.
 */
final class DigestLocks {

    private final ReentrantLock[] stripes = new ReentrantLock[256];

    DigestLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The stripe of {@code digest}, not yet locked. */
    ReentrantLock stripe(Digest digest) {
        return stripes[Math.floorMod(digest.hex().hashCode(), stripes.length)];
    }

    /** The stripe of {@code digest}, locked by the calling thread. */
    ReentrantLock lock(Digest digest) {
        ReentrantLock lock = stripe(digest);
        lock.lock();
        return lock;
    }
}
