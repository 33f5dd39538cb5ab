package io.ironclad.sidecar;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.Coordination.DigestLock;
import io.ironclad.sidecar.Coordination.Job;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blobs no repository links any more, once they are older than
 * {@code ironclad.gc.grace-period}: first the database row (only if still unreferenced, in one
 * statement), then the bytes. Manifests are kept in the database and collected with their rows.
 * Only the replica leading {@link Job#BLOB_GC} collects, each blob under its digest lock for
 * deletion, which is never granted while the coordination service is unreachable.
 */
@Singleton
final class BlobCollector {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);

    private final Metadata metadata;
    private final ConsistentStore store;
    private final Coordination coordination;
    private final Duration grace;

    BlobCollector(Metadata metadata, ConsistentStore store, Coordination coordination,
            @Value("${ironclad.gc.grace-period:24h}") Duration grace) {
        this.metadata = metadata;
        this.store = store;
        this.coordination = coordination;
        this.grace = grace;
    }

    /** Collects now, as long as this replica leads {@link Job#BLOB_GC}; returns how many blobs it deleted. */
    int collect() {
        int deleted = 0;
        int locked = 0;
        for (Metadata.BlobRow blob : metadata.unreferencedBlobs(Instant.now().minus(grace), 1000)) {
            if (!coordination.isLeader(Job.BLOB_GC)) {
                LOG.info("blob collection stopped after {} deletions: this replica no longer leads {}", deleted, Job.BLOB_GC.id());
                break;
            }
            Optional<DigestLock> lock = coordination.tryLockForDelete(blob.digest());
            if (lock.isEmpty()) {
                locked++;
                continue;
            }
            try (DigestLock held = lock.get()) {
                if (metadata.deleteBlobIfUnreferenced(blob.digest())) {
                    store.delete(ObjectKey.of(blob.storedKey()));
                    deleted++;
                }
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not collect blob {} at {}: {}", blob.digest(), blob.storedKey(), e.getMessage());
            }
        }
        if (deleted > 0 || locked > 0) {
            LOG.info("collected {} unreferenced blobs older than {}; {} left for later (digest lock not granted)", deleted, grace, locked);
        }
        return deleted;
    }
}
