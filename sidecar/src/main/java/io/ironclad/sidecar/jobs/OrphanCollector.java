package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Blobs;
import io.ironclad.sidecar.metadata.GcMarks;
import io.ironclad.sidecar.registry.BlobWriteGuard;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination.DigestLock;
import io.ironclad.sidecar.coordination.Coordination.Job;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and deletes blob objects (keys of {@link BlobLayout}) that no row knows: bytes a
 * push stored before the process died, or before its database commit failed. Such bytes were
 * never acknowledged, so nothing refers to them; once older than the grace period they go.
 *
 * <p>Kept apart from pushes like row collection: under the digest lock for deletion (which
 * excludes this replica's pushes and, with ZooKeeper, every replica's), and through the database
 * for a replica whose lock is only in-process: the collector commits a claim, then checks that the
 * digest still has no row and no write intent; a push commits its intent, then waits while a claim
 * exists ({@link BlobWriteGuard}). Whichever commits second sees the other.
 */
@Singleton
public final class OrphanCollector {

    /** A blob object without a row. */
    public record Orphan(Digest digest, ObjectKey key, long size, Instant lastModified) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(OrphanCollector.class);
    private static final int PAGE = 1000;

    private final Blobs blobs;
    private final GcMarks marks;
    private final ConsistentStore store;
    private final Coordination coordination;

    OrphanCollector(Blobs blobs, GcMarks marks, ConsistentStore store, Coordination coordination) {
        this.blobs = blobs;
        this.marks = marks;
        this.store = store;
        this.coordination = coordination;
    }

    /** Blob objects no row knows, last modified before {@code before}, in key order, at most {@code limit}. */
    public List<Orphan> find(Instant before, int limit) throws StorageException {
        List<Orphan> orphans = new ArrayList<>();
        ListRequest request = ListRequest.prefix(BlobLayout.PREFIX).withLimit(PAGE);
        while (orphans.size() < limit) {
            ListPage page = store.list(request);
            List<Orphan> old = new ArrayList<>();
            for (ListPage.Entry entry : page.entries()) {
                BlobLayout.digestOf(entry.key()).filter(d -> entry.lastModified().isBefore(before))
                        .ifPresent(d -> old.add(new Orphan(d, entry.key(), entry.size(), entry.lastModified())));
            }
            Set<Digest> known = blobs.knownBlobs(old.stream().map(Orphan::digest).toList());
            old.stream().filter(o -> !known.contains(o.digest())).limit(limit - orphans.size()).forEach(orphans::add);
            if (page.nextStartAfter().isEmpty()) {
                break;
            }
            request = request.withStartAfter(page.nextStartAfter().get());
        }
        return orphans;
    }

    /**
     * Deletes the orphans older than {@code before} while this replica leads {@link Job#BLOB_GC};
     * push intents newer than {@code intentsSince} protect a blob. Returns how many it deleted.
     */
    int collect(Instant before, Instant intentsSince) throws StorageException {
        int deleted = 0;
        for (Orphan orphan : find(before, Integer.MAX_VALUE)) {
            if (!coordination.isLeader(Job.BLOB_GC)) {
                break;
            }
            Optional<DigestLock> lock = coordination.tryLockForDelete(orphan.digest());
            if (lock.isEmpty()) {
                continue;
            }
            try (DigestLock held = lock.get()) {
                if (collect(orphan, intentsSince)) {
                    deleted++;
                }
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not collect orphaned blob object {}: {}", orphan.key(), e.getMessage());
            }
        }
        if (deleted > 0) {
            LOG.info("collected {} blob objects that no row knew (left by pushes that never committed)", deleted);
        }
        return deleted;
    }

    private boolean collect(Orphan orphan, Instant intentsSince) throws StorageException {
        if (!marks.claimOrphan(orphan.digest())) {
            return false;   // another collector has it
        }
        try {
            if (!marks.orphanCollectable(orphan.digest(), intentsSince)) {
                return false;   // a push recorded it meanwhile, or is storing it
            }
            store.delete(orphan.key());
            return true;
        } finally {
            marks.releaseOrphan(orphan.digest());
        }
    }
}
