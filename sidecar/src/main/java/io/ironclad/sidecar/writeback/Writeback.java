package io.ironclad.sidecar.writeback;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.Hashers;
import io.ironclad.consistency.UploadState;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.WriterState;
import io.ironclad.sidecar.metadata.WritebackPending;
import io.ironclad.sidecar.metadata.WritebackPending.PendingBlob;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable local write-back ({@code ironclad.writeback.enabled}): what the registry does with a
 * blob write the object store refuses transiently. The bytes are verified, fsynced into
 * {@code <data-dir>/writeback} and recorded as {@link PendingBlob pending}, owned by this replica,
 * before the caller acknowledges the push; the {@link FlushJob} stores them later. Reads of a
 * pending blob go through {@link PendingReads}. When disabled, every method is a no-op that says
 * so ({@link #covers} is false and {@link #openPending} empty), so the registry behaves as
 * without write-back.
 */
@Singleton
public final class Writeback {

    /** The driver name in the session row of an upload whose chunks are on the owner's disk. */
    static final String LOCAL_DRIVER = "writeback";

    private static final Logger LOG = LoggerFactory.getLogger(Writeback.class);

    private final WritebackSettings settings;
    private final WritebackHome home;
    private final WritebackPending rows;
    private final PendingReads reads;
    private final Clock clock;

    @jakarta.inject.Inject
    Writeback(WritebackSettings settings, WritebackHome home, WritebackPending rows, PendingReads reads) {
        this(settings, home, rows, reads, Clock.systemUTC());
    }

    Writeback(WritebackSettings settings, WritebackHome home, WritebackPending rows, PendingReads reads, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.home = requireNonNull(home, "home is null");
        this.rows = requireNonNull(rows, "rows is null");
        this.reads = requireNonNull(reads, "reads is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Whether write-back takes over after {@code failure}: it is on and the store is down or refusing transiently. */
    public boolean covers(StorageException failure) {
        return settings.enabled() && OutageSignal.isOutage(failure);
    }

    // ------------------------------------------------------------------ monolithic blobs

    /**
     * Keeps {@code body} as pending blob {@code digest} to be stored under {@code storedKey}.
     * Returns only when the copy and its row are durable; false (nothing kept) when the write-back
     * area is full, and the caller fails the push as it would have without write-back.
     *
     * @throws IntegrityException if the body is not {@code digest} over {@code size} bytes
     */
    public boolean keep(Digest digest, long size, String storedKey, Payload body) throws StorageException {
        try {
            if (home.area().keep(digest, size, body).isEmpty()) {
                LOG.warn("write-back area full ({} of {} bytes): {} is not kept", home.area().used(), settings.maxBytes(), digest);
                return false;
            }
        } catch (WritebackArea.DigestMismatch e) {
            throw new IntegrityException(LOCAL_DRIVER, ObjectKey.of(storedKey), e.getMessage());
        } catch (IOException e) {
            throw new TransientStorageException(LOCAL_DRIVER, ObjectKey.of(storedKey), "keeping the blob locally failed: " + e.getMessage(), e);
        }
        record(digest, size, storedKey);
        return true;
    }

    private void record(Digest digest, long size, String storedKey) {
        var now = clock.instant();
        rows.add(new PendingBlob(digest, size, storedKey, home.owner(), home.url(), now, 0, now, Optional.empty()));
        LOG.warn("{} ({} bytes) is kept on this replica's disk until the object store takes it", digest, size);
    }

    // ------------------------------------------------------------------ upload sessions

    /** The state of a new upload session held on this replica's disk (the store refused to start one). */
    public UploadState newLocalUpload(Digest.Algorithm algorithm) {
        return new UploadState(new WriterState(LOCAL_DRIVER, home.owner(), List.of()), algorithm, Hashers.resumable(algorithm).exportState(), 0);
    }

    /** Whether a session's chunks are on some replica's disk rather than in the store. */
    public static boolean isLocal(UploadState state) {
        return LOCAL_DRIVER.equals(state.writer().driver());
    }

    /**
     * Appends a chunk to a local session: durable on this replica's disk when it returns, with the
     * state to record (the caller compares-and-sets the session's size).
     *
     * @throws StorageException 503 if another replica holds the session, or this area is full
     */
    public UploadState appendLocal(String sessionId, UploadState state, Payload chunk) throws StorageException {
        requireOwner(sessionId, state);
        try {
            if (!home.area().append(sessionId, state.size(), chunk)) {
                throw new TransientStorageException(LOCAL_DRIVER, null, "the write-back area is full; push again once the store is back");
            }
        } catch (IOException e) {
            throw new TransientStorageException(LOCAL_DRIVER, null, "keeping the chunk locally failed: " + e.getMessage(), e);
        }
        return new UploadState(state.writer(), state.algorithm(), state.hashState(), state.size() + chunk.size());
    }

    /**
     * Moves an empty session that the store refused a first chunk of to this replica's disk, with
     * {@code chunk} as its first chunk; false if the session was not empty any more (nothing changed then).
     */
    public boolean takeOver(String sessionId, Digest.Algorithm algorithm, Payload chunk) throws StorageException {
        UploadState local = appendLocal(sessionId, newLocalUpload(algorithm), chunk);
        if (rows.rebaseEmptySession(sessionId, LOCAL_DRIVER, home.owner(), local.hashState(), local.size(), clock.millis())) {
            LOG.warn("upload {} continues on this replica's disk: the object store refused its first chunk", sessionId);
            return true;
        }
        home.area().deleteUpload(sessionId);
        return false;
    }

    /**
     * Completes a local session as pending blob {@code digest}; durable when it returns.
     *
     * @throws IntegrityException if the uploaded bytes are not {@code digest} (the local bytes are gone)
     */
    public void completeLocal(String sessionId, UploadState state, Digest digest, String storedKey) throws StorageException {
        requireOwner(sessionId, state);
        try {
            home.area().promote(sessionId, state.size(), digest);
        } catch (WritebackArea.DigestMismatch e) {
            throw new IntegrityException(LOCAL_DRIVER, ObjectKey.of(storedKey), e.getMessage());
        } catch (IOException e) {
            throw new TransientStorageException(LOCAL_DRIVER, ObjectKey.of(storedKey), "completing the local upload failed: " + e.getMessage(), e);
        }
        record(digest, state.size(), storedKey);
    }

    /**
     * Copies a chunk the store has just taken for session {@code sessionId} (which held
     * {@code size} bytes before it) to this replica's disk, so that the session can continue here
     * ({@link #continueLocally}) if the store goes down before it is complete. Best effort: a copy
     * that fails or finds no room only means the session cannot continue here.
     */
    public void shadow(String sessionId, long size, Payload chunk) {
        if (!settings.enabled()) {
            return;
        }
        try {
            if (!home.area().shadow(sessionId, size, chunk)) {
                LOG.debug("upload {} has no complete copy on this replica (no room, or chunks received elsewhere)", sessionId);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("upload {}: copying a chunk to the write-back area failed ({}); it cannot continue here while the store is down",
                    sessionId, e.getMessage());
        }
    }

    /**
     * Continues session {@code sessionId}, whose chunks so far ({@code remote}) are in a store that
     * now refuses it, on this replica's disk from its shadow, once the shadow proves to hold exactly
     * those bytes (same length, same hash state). Durable when it returns. Returns the session's
     * local state (same size and hash state), or empty when this replica holds no such copy: the
     * caller then fails as without write-back. The session's parts in the store are left to the
     * upload reaper ({@link WritebackPending#rebaseSession}).
     */
    public Optional<UploadState> continueLocally(String sessionId, UploadState remote) {
        if (!settings.enabled() || isLocal(remote) || remote.size() == 0) {
            return Optional.empty();
        }
        try {
            if (!home.area().adoptShadow(sessionId, remote.size(), remote.algorithm(), remote.hashState())) {
                LOG.info("upload {} cannot continue on this replica: it holds no verified copy of its {} bytes", sessionId, remote.size());
                return Optional.empty();
            }
        } catch (IOException e) {
            LOG.warn("upload {}: reading its copy on this replica failed: {}", sessionId, e.getMessage());
            home.area().dropShadow(sessionId);
            return Optional.empty();
        }
        if (!rows.rebaseSession(sessionId, remote, LOCAL_DRIVER, home.owner(), "abandoned-" + java.util.UUID.randomUUID(), clock.millis())) {
            home.area().deleteUpload(sessionId);
            return Optional.empty();
        }
        LOG.warn("upload {} ({} bytes so far) continues on this replica's disk from its verified copy: the object store refused it",
                sessionId, remote.size());
        return Optional.of(new UploadState(new WriterState(LOCAL_DRIVER, home.owner(), List.of()), remote.algorithm(), remote.hashState(),
                remote.size()));
    }

    /** The session is finished or gone: its shadow, if this replica has one, is not needed any more. */
    public void dropShadow(String sessionId) {
        if (settings.enabled()) {
            home.area().dropShadow(sessionId);
        }
    }

    /** Drops a local session's bytes (cancel, reaper); a session another replica holds is left to it. */
    public void cancelLocal(String sessionId, UploadState state) {
        if (home.owner().equals(state.writer().uploadId())) {
            home.area().deleteUpload(sessionId);
        }
    }

    private void requireOwner(String sessionId, UploadState state) throws StorageException {
        if (isLocal(state) && !home.owner().equals(state.writer().uploadId())) {
            throw new TransientStorageException(LOCAL_DRIVER, null, "upload " + sessionId
                    + " was received by another replica while the object store was down and continues there");
        }
    }

    // ------------------------------------------------------------------ reads and deletes

    /**
     * The content of {@code digest} if it is pending: verified from this replica's disk, or read
     * from the owner. Empty if it is not pending (read the store as usual).
     *
     * @throws StorageException 503 when the owner cannot be reached
     */
    public Optional<VerifiedContent> openPending(Digest digest, Optional<ByteRange> range, ReadContext context) throws StorageException {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Optional<PendingBlob> pending = rows.find(digest);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        return reads.open(pending.get(), range, context);
    }

    /** The blob lost its last repository: its local copy and row go (the collector takes the rest). */
    public void unreferenced(Digest digest) {
        if (!settings.enabled()) {
            return;
        }
        rows.find(digest).filter(p -> p.owner().equals(home.owner())).ifPresent(p -> {
            rows.remove(digest);
            home.area().delete(digest);
            LOG.info("{} was deleted while pending; its local copy is removed", digest);
        });
    }
}
