package io.ironclad.sidecar.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.metadata.Reachability;
import io.ironclad.sidecar.metadata.Reachability.Entry;
import io.ironclad.sidecar.metadata.Reachability.Unrecorded;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reachability GC's mark side, run by the blob collector before it collects: records the
 * references of manifests stored without them, deletes untagged manifests that nothing keeps
 * (when {@code ironclad.gc.untagged-grace-period} is set), then unlinks every blob from each
 * repository where no manifest references it and its last push or mount is older than
 * {@code ironclad.gc.grace-period}. A blob no repository links any more is then the blob
 * collector's to delete (row, then bytes). Each deletion is its own short transaction that
 * re-checks under a row lock (see {@link Reachability}), so pushes go on meanwhile.
 */
@Singleton
public final class ReachabilityCollector {

    /** What one run did. */
    public record Result(int referencesRecorded, int manifestsDeleted, int linksRemoved) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReachabilityCollector.class);
    private static final int BATCH = 1000;
    /** Deleting an index frees its children, deleting a subject its referrers: a few rounds reach the end of such chains. */
    private static final int MANIFEST_ROUNDS = 8;

    private final Reachability store;
    private final ObjectMapper json;
    private final GcSettings settings;
    private final Clock clock;

    ReachabilityCollector(Reachability store, ObjectMapper json, GcSettings settings, Clock clock) {
        this.store = store;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs once; the caller holds the GC leadership. */
    public Result collect() {
        Instant now = clock.instant();
        int recorded = recordMissingReferences();
        int manifests = settings.untagged().map(grace -> deleteUntagged(now.minus(grace))).orElse(0);
        int links = unlink(now.minus(settings.gracePeriod()));
        if (recorded + manifests + links > 0) {
            LOG.info("reachability: recorded references of {} manifests, deleted {} untagged manifests, unlinked {} unreferenced blobs",
                    recorded, manifests, links);
        }
        return new Result(recorded, manifests, links);
    }

    private int recordMissingReferences() {
        int recorded = 0;
        for (List<Unrecorded> batch = store.unrecordedManifests(BATCH); !batch.isEmpty(); batch = store.unrecordedManifests(BATCH)) {
            for (Unrecorded manifest : batch) {
                ManifestReferences references = ManifestReferences.of(json, manifest.content());
                store.recordReferences(manifest, references.blobs(), references.children());
                recorded++;
            }
        }
        return recorded;
    }

    private int deleteUntagged(Instant before) {
        int deleted = 0;
        for (int round = 0; round < MANIFEST_ROUNDS; round++) {
            int thisRound = 0;
            for (Entry manifest : store.untaggedManifests(before, BATCH)) {
                if (store.deleteIfUntagged(manifest, before)) {
                    thisRound++;
                }
            }
            deleted += thisRound;
            if (thisRound == 0) {
                break;
            }
        }
        return deleted;
    }

    private int unlink(Instant before) {
        int unlinked = 0;
        for (Entry link : store.unreferencedLinks(before, BATCH)) {
            if (store.unlinkIfUnreferenced(link, before)) {
                unlinked++;
            }
        }
        return unlinked;
    }
}
