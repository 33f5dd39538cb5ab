package io.ironclad.sidecar.metadata;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.ops.events.EventFilter;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's strongly consistent state in one view, for callers that span several table
 * groups (the registry's services, pull-through and write-back): every operation delegates to the
 * repository that owns its tables ({@link Blobs}, {@link GcMarks}, {@link Manifests},
 * {@link Tags}, {@link UploadSessions}, {@link Events}), which is where its SQL, locking and
 * transaction are documented. New code should take the repository it needs. The row records and
 * {@link MetadataException} live here because every caller already names them so.
 */
@Singleton
public final class Metadata {

    public record BlobRow(Digest digest, long size, String storedKey) {
        public BlobRow {
            requireNonNull(digest, "digest is null");
            requireNonNull(storedKey, "storedKey is null");
        }
    }

    public record ManifestRow(String repository, Digest digest, String mediaType, byte[] content, Optional<Digest> subject,
            Optional<String> artifactType) {
        public ManifestRow {
            requireNonNull(repository, "repository is null");
            requireNonNull(digest, "digest is null");
            requireNonNull(mediaType, "mediaType is null");
            requireNonNull(content, "content is null");
            requireNonNull(subject, "subject is null");
            requireNonNull(artifactType, "artifactType is null");
        }
    }

    public record SessionRow(String id, String repository, UploadState state, Instant created, Instant updated) {
    }

    /** How many events of one kind one driver reported in one time bucket. */
    public record EventCount(int bucket, String kind, String driver, long count) {
    }

    /** A consistency event as served by {@code /ops/consistency/events}. */
    public record EventView(long id, String kind, String driver, String operation, String key, int attempt, long elapsedMillis,
            String detail, String at) {
    }

    /** A database failure; answered as 503 because the metadata is the registry's source of truth. */
    public static final class MetadataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MetadataException(SQLException cause) {
            // the message reaches clients in the error body: codes only, never the driver's text
            // (SQL, class names, file paths); the cause carries it for the log
            super("metadata database unavailable" + (cause.getSQLState() == null ? ""
                    : " (SQL state " + cause.getSQLState() + ", error " + cause.getErrorCode() + ")"), cause);
        }
    }

    private final Blobs blobs;
    private final GcMarks marks;
    private final Manifests manifests;
    private final Tags tags;
    private final UploadSessions sessions;
    private final Events events;

    Metadata(Blobs blobs, GcMarks marks, Manifests manifests, Tags tags, UploadSessions sessions, Events events) {
        this.blobs = blobs;
        this.marks = marks;
        this.manifests = manifests;
        this.tags = tags;
        this.sessions = sessions;
        this.events = events;
    }

    // ------------------------------------------------------------------ repositories and blobs: Blobs

    public void ensureRepository(String name) {
        blobs.ensureRepository(name);
    }

    public boolean repositoryExists(String name) {
        return blobs.repositoryExists(name);
    }

    public List<String> repositories(String last, int limit) {
        return blobs.repositories(last, limit);
    }

    public Optional<BlobRow> findBlob(Digest digest) {
        return blobs.findBlob(digest);
    }

    public Optional<BlobRow> findLinkedBlob(String repository, Digest digest) {
        return blobs.findLinkedBlob(repository, digest);
    }

    public void recordBlob(String repository, BlobRow blob) {
        blobs.recordBlob(repository, blob);
    }

    public void adoptBlob(String repository, BlobRow blob) {
        blobs.adoptBlob(repository, blob);
    }

    public boolean blobAdopted(Digest digest) {
        return blobs.blobAdopted(digest);
    }

    public boolean blobLinked(String repository, Digest digest) {
        return blobs.blobLinked(repository, digest);
    }

    public List<String> repositoriesLinking(Digest digest, int limit) {
        return blobs.repositoriesLinking(digest, limit);
    }

    public void linkBlob(String repository, Digest digest) {
        blobs.linkBlob(repository, digest);
    }

    public boolean unlinkBlob(String repository, Digest digest) {
        return blobs.unlinkBlob(repository, digest);
    }

    public Set<Digest> knownBlobs(List<Digest> digests) {
        return blobs.knownBlobs(digests);
    }

    // ------------------------------------------------------------------ collection marks: GcMarks

    public List<BlobRow> unreferencedBlobs(Instant before, int limit) {
        return marks.unreferencedBlobs(before, limit);
    }

    public boolean markCollecting(Digest digest, Instant before, Instant intentsSince) {
        return marks.markCollecting(digest, before, intentsSince);
    }

    public void unmarkCollecting(Digest digest) {
        marks.unmarkCollecting(digest);
    }

    public boolean deleteCollectedBlob(Digest digest) {
        return marks.deleteCollectedBlob(digest);
    }

    public String beginBlobWrite(Digest digest) {
        return marks.beginBlobWrite(digest);
    }

    public void endBlobWrite(String intentId) {
        marks.endBlobWrite(intentId);
    }

    public int deleteBlobWritesBefore(Instant before) {
        return marks.deleteBlobWritesBefore(before);
    }

    public boolean blobCollecting(Digest digest) {
        return marks.blobCollecting(digest);
    }

    public boolean claimOrphan(Digest digest) {
        return marks.claimOrphan(digest);
    }

    public boolean orphanCollectable(Digest digest, Instant intentsSince) {
        return marks.orphanCollectable(digest, intentsSince);
    }

    public void releaseOrphan(Digest digest) {
        marks.releaseOrphan(digest);
    }

    public int deleteOrphanClaimsBefore(Instant before) {
        return marks.deleteOrphanClaimsBefore(before);
    }

    // ------------------------------------------------------------------ manifests and tags: Manifests, Tags

    public Optional<Digest> storeManifest(ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag) {
        return manifests.storeManifest(row, blobs, children, tag);
    }

    public void cacheManifest(ManifestRow row, List<Digest> blobs, List<Digest> children) {
        manifests.cacheManifest(row, blobs, children);
    }

    public Optional<ManifestRow> findManifest(String repository, Digest digest) {
        return manifests.findManifest(repository, digest);
    }

    public boolean deleteManifest(String repository, Digest digest) {
        return manifests.deleteManifest(repository, digest);
    }

    public List<ManifestRow> referrers(String repository, Digest subject) {
        return manifests.referrers(repository, subject);
    }

    public boolean putTag(String repository, String tag, Digest digest) {
        return tags.putTag(repository, tag, digest);
    }

    public Optional<Digest> findTag(String repository, String tag) {
        return tags.findTag(repository, tag);
    }

    public boolean deleteTag(String repository, String tag) {
        return tags.deleteTag(repository, tag);
    }

    public List<String> tags(String repository, String last, int limit) {
        return tags.tags(repository, last, limit);
    }

    // ------------------------------------------------------------------ upload sessions: UploadSessions

    public void createSession(String id, String repository, UploadState state) {
        sessions.createSession(id, repository, state);
    }

    public Optional<SessionRow> findSession(String id) {
        return sessions.findSession(id);
    }

    public boolean advanceSession(String id, long previousSize, UploadState state) {
        return sessions.advanceSession(id, previousSize, state);
    }

    public boolean deleteSession(String id) {
        return sessions.deleteSession(id);
    }

    public List<SessionRow> staleSessions(Instant updatedBefore, int limit) {
        return sessions.staleSessions(updatedBefore, limit);
    }

    // ------------------------------------------------------------------ consistency events: Events

    public void insertEvents(List<ConsistencyEvent> recorded) {
        events.insertEvents(recorded);
    }

    public int deleteEventsBefore(Instant cutoff, int batch) {
        return events.deleteEventsBefore(cutoff, batch);
    }

    /** The most recent events, newest first. */
    public List<EventView> recentEvents(int limit) {
        return events.events(EventFilter.all(limit));
    }

    public List<EventView> events(EventFilter filter) {
        return events.events(filter);
    }

    public List<EventCount> eventCounts(Instant from, Instant to, Duration bucket) {
        return events.eventCounts(from, to, bucket);
    }
}
