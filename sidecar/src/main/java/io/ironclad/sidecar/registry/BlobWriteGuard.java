package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.lifecycle.GcSettings;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a push that stores a blob's bytes and the collector of another replica apart through the
 * database alone, for when the digest lock could only be taken in-process (coordination
 * unreachable): the push records an intent, which the collector respects, and then waits while a
 * collector is deleting the blob's bytes, so it never takes bytes that are about to go for
 * stored. Costs three small statements per push.
 */
@Singleton
public final class BlobWriteGuard {

    /** An intent to store one blob; {@link #close} ends it. */
    interface Intent extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger LOG = LoggerFactory.getLogger(BlobWriteGuard.class);
    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(10).toNanos();
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(500).toNanos();

    private final Metadata metadata;
    private final Duration maxWait;

    BlobWriteGuard(Metadata metadata, GcSettings settings) {
        this.metadata = metadata;
        this.maxWait = settings.pushWait();
    }

    /**
     * Records the intent, then waits (up to {@code ironclad.gc.push-wait}) until no collector is
     * deleting the blob; 503 {@code UNAVAILABLE} if one still is.
     */
    Intent begin(Digest digest) {
        String id = metadata.beginBlobWrite(digest);
        try {
            awaitNotCollecting(digest);
        } catch (RuntimeException e) {
            metadata.endBlobWrite(id);
            throw e;
        }
        return () -> metadata.endBlobWrite(id);
    }

    private void awaitNotCollecting(Digest digest) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        int waits = 0;
        while (metadata.blobCollecting(digest)) {
            if (System.nanoTime() - deadline > 0) {
                throw new RegistryException(ErrorCode.UNAVAILABLE, digest + " is being garbage-collected on another replica"
                        + " and still was after " + maxWait + "; push it again");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
            waits++;
        }
        if (waits > 0) {
            LOG.info("push of {} waited {} times for a collector to finish deleting it", digest, waits);
        }
    }
}
