package io.ironclad.sidecar;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blobs no repository links any more, once they are older than
 * {@code ironclad.gc.grace-period}: first the database row (only if still unreferenced, in one
 * statement), then the bytes. Manifests are kept in the database and collected with their rows.
 */
@Singleton
final class BlobCollector {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);

    private final Metadata metadata;
    private final ConsistentStore store;
    private final DigestLocks locks;
    private final Duration grace;

    BlobCollector(Metadata metadata, ConsistentStore store, DigestLocks locks,
            @Value("${ironclad.gc.grace-period:24h}") Duration grace) {
        this.metadata = metadata;
        this.store = store;
        this.locks = locks;
        this.grace = grace;
    }

    @Scheduled(fixedDelay = "${ironclad.gc.interval:1h}", initialDelay = "5m")
    int collect() {
        int deleted = 0;
        for (Metadata.BlobRow blob : metadata.unreferencedBlobs(Instant.now().minus(grace), 1000)) {
            ReentrantLock lock = locks.lock(blob.digest());
            try {
                if (metadata.deleteBlobIfUnreferenced(blob.digest())) {
                    store.delete(ObjectKey.of(blob.storedKey()));
                    deleted++;
                }
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not collect blob {} at {}: {}", blob.digest(), blob.storedKey(), e.getMessage());
            } finally {
                lock.unlock();
            }
        }
        if (deleted > 0) {
            LOG.info("collected {} unreferenced blobs older than {}", deleted, grace);
        }
        return deleted;
    }
}
