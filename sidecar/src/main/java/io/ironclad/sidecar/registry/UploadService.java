package io.ironclad.sidecar.registry;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.StoredObject;
import io.ironclad.consistency.Upload;
import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.metadata.Metadata.SessionRow;
import io.ironclad.sidecar.writeback.Writeback;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Chunked blob uploads: sessions recorded in the database with the store's upload state, so the
 * requests of one upload may land on different replicas. A request that writes to a session
 * claims it first; a concurrent one is refused (RANGE_INVALID) before any of its bytes is stored.
 * While write-back covers a store outage, a session's chunks go to this replica's disk.
 */
@Singleton
public final class UploadService {

    private final ConsistentStore store;
    private final Metadata metadata;
    private final Coordination coordination;
    private final BlobWriteGuard writeGuard;
    private final Writeback writeback;
    private final BlobService blobs;
    private final long minChunk;

    UploadService(ConsistentStore store, Metadata metadata, Coordination coordination, BlobWriteGuard writeGuard, Writeback writeback,
            BlobService blobs) {
        this.store = requireNonNull(store, "store is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.coordination = requireNonNull(coordination, "coordination is null");
        this.writeGuard = requireNonNull(writeGuard, "writeGuard is null");
        this.writeback = requireNonNull(writeback, "writeback is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.minChunk = store.capabilities().minPartSize();
    }

    /** The smallest chunk the store can assemble: every chunk but the last must be at least this large. */
    public long minChunkLength() {
        return minChunk;
    }

    public SessionRow start(String repository) throws StorageException {
        UploadState state;
        try {
            state = store.startUpload(Digest.Algorithm.SHA256).state();
        } catch (StorageException e) {
            if (!writeback.covers(e)) {
                throw e;
            }
            state = writeback.newLocalUpload(Digest.Algorithm.SHA256); // its chunks go to this replica's disk
        }
        String id = UUID.randomUUID().toString();
        metadata.ensureRepository(repository);
        metadata.createSession(id, repository, state);
        return metadata.findSession(id).orElseThrow();
    }

    /** The session {@code id} of {@code repository}; BLOB_UPLOAD_UNKNOWN if there is none. */
    public SessionRow session(String repository, String id) {
        return metadata.findSession(id).filter(s -> s.repository().equals(repository))
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " unknown in " + repository));
    }

    /**
     * Appends one chunk. {@code start}, when the client sent where the chunk starts, must be the
     * session's current size. The session is claimed for this request first.
     */
    public SessionRow append(SessionRow session, Optional<Long> start, Payload chunk) throws StorageException {
        try (Coordination.DigestLock claim = claim(session)) {
            return appendClaimed(current(session), start, chunk);
        }
    }

    /**
     * The final request: appends {@code lastChunk} and completes the blob under one claim of the session.
     * A request that carries the whole blob (the session holds nothing yet: POST, then PUT with the body)
     * is a monolithic put: the body is stored once, hashed with the JDK's SHA-256, instead of going
     * through the session's parts and their exportable (Bouncy Castle, ~9 × slower) hash state,
     * which only a session continued by later requests needs.
     */
    public BlobRow complete(SessionRow session, Optional<Long> start, Payload lastChunk, Digest digest) throws StorageException {
        try (Coordination.DigestLock claim = claim(session)) {
            SessionRow current = current(session);
            if (current.state().size() == 0 && lastChunk.size() > 0 && start.orElse(0L) == 0) {
                return putWholeBody(current, lastChunk, digest);
            }
            return completeClaimed(appendClaimed(current, start, lastChunk), digest);
        }
    }

    /** Cancels the upload, parts included; refused while another request writes to it. */
    public void cancel(SessionRow session) throws StorageException {
        Coordination.DigestLock claim = coordination.tryLockUpload(session.id()).orElseThrow(() -> new RegistryException(
                ErrorCode.BLOB_UPLOAD_INVALID, "upload " + session.id() + " is being written by another request"));
        try (claim) {
            if (Writeback.isLocal(session.state())) {
                writeback.cancelLocal(session.id(), session.state());
                metadata.deleteSession(session.id());
                return;
            }
            try {
                resume(session).cancel();
            } catch (ObjectNotFoundException e) {
                // parts already gone (reaped or completed elsewhere): dropping the row is all that is left
            }
            metadata.deleteSession(session.id());
            writeback.dropShadow(session.id());
        }
    }

    private BlobRow putWholeBody(SessionRow session, Payload body, Digest digest) throws StorageException {
        try {
            BlobRow row = blobs.put(session.repository(), digest, body);
            dropSession(session);
            return row;
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.DIGEST_INVALID) {
                dropSession(session); // as after a chunked upload that does not match: the session is finished
            }
            throw e;
        }
    }

    /**
     * Cancels the session's upload in the store (it holds no parts) and deletes its row. A store
     * that refuses the cancel leaves the row, so the upload reaper finishes it later; the blob
     * stored under its digest does not depend on it.
     */
    private void dropSession(SessionRow session) {
        try {
            store.resumeUpload(session.state()).cancel();
        } catch (ObjectNotFoundException e) {
            // nothing left under it
        } catch (StorageException | RuntimeException e) {
            return;
        }
        metadata.deleteSession(session.id());
    }

    private Coordination.DigestLock claim(SessionRow session) {
        return coordination.tryLockUpload(session.id()).orElseThrow(() -> rangeError(session,
                "another request is writing to upload " + session.id() + "; retry from the range it reports once it has finished"));
    }

    /** The session as the database has it now that it is claimed (the caller's copy was read before). */
    private SessionRow current(SessionRow session) {
        return session(session.repository(), session.id());
    }

    private SessionRow appendClaimed(SessionRow session, Optional<Long> start, Payload chunk) throws StorageException {
        long size = session.state().size();
        if (start.isPresent() && start.get() != size) {
            throw rangeError(session, "chunk starts at " + start.get() + " but the upload holds " + size + " bytes");
        }
        if (chunk.size() == 0) {
            return session;
        }
        requireLastChunkLargeEnough(session);
        UploadState next;
        boolean inStore = !Writeback.isLocal(session.state());
        if (!inStore) {
            next = writeback.appendLocal(session.id(), session.state(), chunk);
        } else {
            try {
                next = resume(session).append(chunk);
            } catch (RegistryException | IntegrityException e) {
                throw e;
            } catch (StorageException e) {
                if (!writeback.covers(e)) {
                    throw e;
                }
                if (size == 0 && writeback.takeOver(session.id(), session.state().algorithm(), chunk)) {
                    return metadata.findSession(session.id()).orElseThrow();
                }
                // chunks already in the store: the session continues here from this replica's copy of them, if it has one
                UploadState local = writeback.continueLocally(session.id(), session.state()).orElseThrow(() -> e);
                next = writeback.appendLocal(session.id(), local, chunk);
                inStore = false;
            }
        }
        if (!metadata.advanceSession(session.id(), size, next)) {
            throw rangeError(session, "another request appended to upload " + session.id() + " concurrently");
        }
        if (inStore) {
            writeback.shadow(session.id(), size, chunk);
        }
        return metadata.findSession(session.id()).orElseThrow();
    }

    /**
     * A chunk after one below the minimum chunk length (which only the last chunk may be) is refused
     * here, when the small chunk is known not to be the last, rather than after the client has
     * sent everything: the backend (S3: 5 MiB parts) could never assemble the upload.
     */
    private void requireLastChunkLargeEnough(SessionRow session) {
        List<PartInfo> parts = session.state().writer().parts();
        long last = parts.isEmpty() ? minChunk : parts.get(parts.size() - 1).size();
        if (last < minChunk) {
            throw rangeError(session, "upload " + session.id() + " already ends with a chunk of " + last
                    + " bytes, below OCI-Chunk-Min-Length " + minChunk + "; only the last chunk may be smaller, so no chunk can follow it");
        }
    }

    private BlobRow completeClaimed(SessionRow session, Digest digest) throws StorageException {
        ObjectKey key = BlobLayout.key(digest);
        if (Writeback.isLocal(session.state())) {
            return completeLocal(session, digest, key);
        }
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            StoredObject stored = resume(session).complete(key, digest);
            BlobRow row = recordCompleted(session, new BlobRow(digest, stored.size(), key.value()));
            writeback.dropShadow(session.id());
            return row;
        } catch (IntegrityException e) {
            // complete() has deleted the parts; the session cannot be finished any more
            RegistryException mismatch = mismatch(session, digest, e);
            writeback.dropShadow(session.id());
            throw mismatch;
        } catch (RegistryException e) {
            throw e;
        } catch (StorageException e) {
            // the store holds the chunks but refuses to assemble them: complete from this replica's copy of them, if it has one
            if (!writeback.covers(e)) {
                throw e;
            }
            UploadState local = writeback.continueLocally(session.id(), session.state()).orElseThrow(() -> e);
            return completeLocal(new SessionRow(session.id(), session.repository(), local, session.created(), session.updated()), digest, key);
        }
    }

    /** Completes an upload received while the store was down as a pending blob of this replica. */
    private BlobRow completeLocal(SessionRow session, Digest digest, ObjectKey key) throws StorageException {
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            writeback.completeLocal(session.id(), session.state(), digest, key.value());
            return recordCompleted(session, new BlobRow(digest, session.state().size(), key.value()));
        } catch (IntegrityException e) {
            throw mismatch(session, digest, e);
        }
    }

    private BlobRow recordCompleted(SessionRow session, BlobRow row) {
        metadata.recordBlob(session.repository(), row);
        metadata.deleteSession(session.id());
        return row;
    }

    private RegistryException mismatch(SessionRow session, Digest digest, IntegrityException e) {
        metadata.deleteSession(session.id());
        return new RegistryException(ErrorCode.DIGEST_INVALID, "the uploaded content does not match " + digest, e);
    }

    private Upload resume(SessionRow session) throws StorageException {
        try {
            return store.resumeUpload(session.state());
        } catch (ObjectNotFoundException e) {
            metadata.deleteSession(session.id());
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + session.id() + " no longer exists in the store");
        }
    }

    private static RegistryException rangeError(SessionRow session, String detail) {
        return new RegistryException(ErrorCode.RANGE_INVALID, detail,
                new RegistryException.UploadProgress(session.state().size(), Optional.of(session.id())));
    }
}
