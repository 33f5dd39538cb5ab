package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Blobs;
import io.ironclad.sidecar.metadata.GcMarks;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.BlobWriteGuard;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination.DigestLock;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.sidecar.lifecycle.GcSettings;
import io.ironclad.sidecar.lifecycle.ReachabilityCollector;
import io.ironclad.sidecar.proxy.CacheEviction;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First runs the {@link ReachabilityCollector} (unlinks blobs no manifest of their repository
 * references, deletes untagged manifests when configured), then deletes blobs no repository links any more, once they are older than
 * {@code ironclad.gc.grace-period}: marks the row {@code collecting} (only if still unreferenced
 * and no push is storing the blob, in one statement), deletes the bytes, then the row. Manifests
 * are kept in the database and collected with their rows. Only the replica leading
 * {@link Job#BLOB_GC} collects, each blob under its digest lock for deletion, which is never
 * granted while the coordination service is unreachable; a replica cut off from it still pushes
 * under an in-process lock, and the mark and {@link BlobWriteGuard}'s intents keep the two apart.
 * Then the {@link OrphanCollector} deletes blob objects that have no row at all (left by a push
 * whose process died before its commit).
 */
@Singleton
public final class BlobCollector {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);

    private final Blobs blobs;
    private final GcMarks marks;
    private final Clock clock;
    private final ConsistentStore store;
    private final Coordination coordination;
    private final OrphanCollector orphans;
    private final ReachabilityCollector reachability;
    private final Duration grace;
    /** A push takes seconds to minutes; an intent (or orphan claim) this old belongs to a process that died. */
    private final Duration staleIntent;
    private final CacheEviction eviction;

    BlobCollector(Blobs blobs, GcMarks marks, ConsistentStore store, Coordination coordination, OrphanCollector orphans,
            ReachabilityCollector reachability, CacheEviction eviction, Clock clock, GcSettings settings) {
        this.eviction = eviction;
        this.staleIntent = settings.intentExpiry();
        this.orphans = orphans;
        this.reachability = reachability;
        this.blobs = blobs;
        this.marks = marks;
        this.clock = clock;
        this.store = store;
        this.coordination = coordination;
        this.grace = settings.gracePeriod();
    }

    /**
     * Collects now, as long as this replica leads {@link Job#BLOB_GC}; returns how many blobs it
     * deleted plus how many links and manifests the reachability pass removed (0: nothing left to do).
     */
    public int collect() {
        return collect(grace);
    }

    /** {@link #collect()} with another grace period: an operator's {@code gc --grace-period} run on the server. */
    public int collect(Duration grace) {
        int evicted = eviction.evictOverBound(); // what eviction drops, the reachability pass unlinks in the same run
        ReachabilityCollector.Result marked = reachability.collect();
        Instant now = clock.instant();
        int stale = marks.deleteBlobWritesBefore(now.minus(staleIntent));
        if (stale > 0) {
            LOG.warn("dropped {} blob write intents older than {} (replicas that died mid-push)", stale, staleIntent);
        }
        int staleClaims = marks.deleteOrphanClaimsBefore(now.minus(staleIntent));
        if (staleClaims > 0) {
            LOG.warn("dropped {} orphan claims older than {} (collectors that died mid-collection)", staleClaims, staleIntent);
        }
        int deleted = 0;
        int locked = 0;
        for (Metadata.BlobRow blob : marks.unreferencedBlobs(now.minus(grace), 1000)) {
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
                if (collect(blob, now, grace)) {
                    deleted++;
                }
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not collect blob {} at {}: {}", blob.digest(), blob.storedKey(), e.getMessage());
            }
        }
        if (deleted > 0 || locked > 0) {
            LOG.info("collected {} unreferenced blobs older than {}; {} left for later (digest lock not granted)", deleted, grace, locked);
        }
        return deleted + collectOrphans(now, grace) + marked.linksRemoved() + marked.manifestsDeleted() + evicted;
    }

    private int collectOrphans(Instant now, Duration grace) {
        try {
            return orphans.collect(now.minus(grace), now.minus(staleIntent));
        } catch (StorageException | RuntimeException e) {
            LOG.warn("could not look for orphaned blob objects: {}", e.getMessage());
            return 0;
        }
    }

    /**
     * Marks the blob collecting (pushes wait from then on), deletes its bytes (unless they belong to
     * a store adopted by {@code ironclad import}), then its row. A
     * failed delete clears the mark: the bytes may still be there for a push to find.
     */
    private boolean collect(Metadata.BlobRow blob, Instant now, Duration grace) throws StorageException {
        if (!marks.markCollecting(blob.digest(), now.minus(grace), now.minus(staleIntent))) {
            return false;   // linked again, or a push is storing it
        }
        try {
            if (blobs.blobAdopted(blob.digest())) {
                LOG.info("blob {} was adopted from {}: its row goes, its bytes stay (they belong to the adopted store)",
                        blob.digest(), blob.storedKey());
            } else {
                store.delete(ObjectKey.of(blob.storedKey()));
            }
        } catch (StorageException | RuntimeException e) {
            marks.unmarkCollecting(blob.digest());
            throw e;
        }
        return marks.deleteCollectedBlob(blob.digest());
    }
}
