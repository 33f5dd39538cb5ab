package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.StoredObject;
import io.ironclad.consistency.Upload;
import io.ironclad.consistency.UploadState;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.registry.ManifestValidator.ValidatedManifest;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.metadata.Metadata.SessionRow;
import io.ironclad.sidecar.writeback.ReadContext;
import io.ironclad.sidecar.writeback.Writeback;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The registry's operations, free of HTTP: blobs and uploads through the {@link ConsistentStore},
 * everything mutable through {@link Metadata}. Each method either completes or throws a
 * {@link RegistryException} / {@link StorageException} that the controller maps to a response.
 */
@Singleton
public final class Registry {

    public static final int MANIFEST_LIMIT = 4 << 20;

    private final ConsistentStore store;
    private final Metadata metadata;
    private final ObjectMapper json;
    private final ManifestValidator validator;
    private final Coordination coordination;
    private final BlobWriteGuard writeGuard;
    private final long minChunk;
    private final Writeback writeback;

    Registry(ConsistentStore store, Metadata metadata, ObjectMapper json, Coordination coordination, BlobWriteGuard writeGuard,
            StorageDriver driver, Writeback writeback) {
        this.writeback = requireNonNull(writeback, "writeback is null");
        this.coordination = requireNonNull(coordination, "coordination is null");
        this.writeGuard = requireNonNull(writeGuard, "writeGuard is null");
        this.minChunk = driver.capabilities().minPartSize();
        this.store = requireNonNull(store, "store is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.json = requireNonNull(json, "json is null");
        this.validator = new ManifestValidator(json);
    }

    public static ObjectKey blobKey(Digest digest) {
        return ObjectKey.of("blobs/" + digest.algorithm().ociName() + "/" + digest.hex().substring(0, 2) + "/" + digest.hex());
    }

    // ------------------------------------------------------------------ blobs

    /** The blob as linked into {@code repository}, from the database only. */
    public BlobRow blob(String repository, Digest digest) {
        return metadata.findLinkedBlob(repository, digest)
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + repository));
    }

    /** The blob's verified bytes: from the store, or while it is pending write-back, from the replica holding it. */
    public VerifiedContent openBlob(BlobRow blob, Optional<ByteRange> range, ReadContext context) throws StorageException {
        Optional<VerifiedContent> pending = writeback.openPending(blob.digest(), range, context);
        if (pending.isPresent()) {
            return pending.get();
        }
        return store.open(ObjectKey.of(blob.storedKey()), Expectation.known(blob.digest(), blob.size()), range);
    }

    public void deleteBlob(String repository, Digest digest) {
        if (!metadata.unlinkBlob(repository, digest)) {
            throw new RegistryException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + repository);
        }
        if (writeback.enabled() && metadata.repositoriesLinking(digest, 1).isEmpty()) {
            writeback.unreferenced(digest);
        }
    }

    /** Links a blob of another repository into {@code repository}; empty if the source lacks it. */
    public Optional<BlobRow> mount(String repository, Digest digest, String from) {
        // the intent keeps the blob collector away while the link is made (see BlobWriteGuard): without it, a
        // collector on a replica cut off from the coordination service could delete the bytes under the new link
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            Optional<BlobRow> source = metadata.findLinkedBlob(from, digest);
            source.ifPresent(b -> metadata.linkBlob(repository, digest));
            return source;
        }
    }

    /** Repositories holding {@code digest}: the sources an automatic mount may link it from (the first 100). */
    public List<String> repositoriesHolding(Digest digest) {
        return metadata.repositoriesLinking(digest, 100);
    }

    /** Monolithic upload: streams {@code body} into the store, then records the blob. */
    public BlobRow putBlob(String repository, Digest digest, Payload body) throws StorageException {
        ObjectKey key = blobKey(digest);
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            BlobRow row = new BlobRow(digest, storeOrKeep(key, digest, body), key.value());
            metadata.recordBlob(repository, row);
            return row;
        } catch (IntegrityException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the body does not match " + digest + " and its length", e);
        }
    }

    /** Stores the body, or keeps it for write-back when the store is down; returns its size. */
    private long storeOrKeep(ObjectKey key, Digest digest, Payload body) throws StorageException {
        try {
            return store.put(key, Expectation.of(digest, body.size()), body).size();
        } catch (IntegrityException e) {
            throw e;
        } catch (StorageException e) {
            if (writeback.covers(e) && writeback.keep(digest, body.size(), key.value(), body)) {
                return body.size();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ upload sessions

    public SessionRow startUpload(String repository) throws StorageException {
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

    public SessionRow session(String repository, String id) {
        return metadata.findSession(id).filter(s -> s.repository().equals(repository))
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " unknown in " + repository));
    }

    /**
     * Appends one chunk. {@code start}, when the client sent a Content-Range, must be the session's
     * current size. The session is claimed for this request first: a concurrent request on the same
     * session is refused (416) before any of its bytes is stored.
     */
    public SessionRow append(SessionRow session, Optional<Long> start, Payload chunk) throws StorageException {
        try (Coordination.DigestLock claim = claim(session)) {
            return appendClaimed(current(session), start, chunk);
        }
    }

    /**
     * The final PUT: appends {@code lastChunk} and completes the blob under one claim of the session.
     * A PUT that carries the whole blob (the session holds nothing yet: POST, then PUT with the body)
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

    private BlobRow putWholeBody(SessionRow session, Payload body, Digest digest) throws StorageException {
        try {
            BlobRow row = putBlob(session.repository(), digest, body);
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
     * A chunk after one below OCI-Chunk-Min-Length (which only the last chunk may be) is refused
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
        ObjectKey key = blobKey(digest);
        if (Writeback.isLocal(session.state())) {
            return completeLocal(session, digest, key);
        }
        try (Coordination.DigestLock lock = coordination.lockForWrite(digest); BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            StoredObject stored = resume(session).complete(key, digest);
            BlobRow row = new BlobRow(digest, stored.size(), key.value());
            metadata.recordBlob(session.repository(), row);
            metadata.deleteSession(session.id());
            writeback.dropShadow(session.id());
            return row;
        } catch (IntegrityException e) {
            // complete() has deleted the parts; the session cannot be finished any more
            metadata.deleteSession(session.id());
            writeback.dropShadow(session.id());
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the uploaded content does not match " + digest, e);
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
            BlobRow row = new BlobRow(digest, session.state().size(), key.value());
            metadata.recordBlob(session.repository(), row);
            metadata.deleteSession(session.id());
            return row;
        } catch (IntegrityException e) {
            metadata.deleteSession(session.id());
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the uploaded content does not match " + digest, e);
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

    private Upload resume(SessionRow session) throws StorageException {
        try {
            return store.resumeUpload(session.state());
        } catch (ObjectNotFoundException e) {
            metadata.deleteSession(session.id());
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + session.id() + " no longer exists in the store");
        }
    }

    private static RegistryException rangeError(SessionRow session, String detail) {
        long size = session.state().size();
        return new RegistryException(ErrorCode.RANGE_INVALID, detail, java.util.Map.of(
                "Range", "0-" + Math.max(0, size - 1), "Docker-Upload-UUID", session.id()));
    }

    // ------------------------------------------------------------------ manifests

    public ManifestRow manifest(String repository, String reference) {
        Digest digest = resolve(repository, reference);
        return metadata.findManifest(repository, digest)
                .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + repository));
    }

    private Digest resolve(String repository, String reference) {
        if (OciGrammar.isDigest(reference)) {
            return OciGrammar.digest(reference);
        }
        return metadata.findTag(repository, reference)
                .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + reference + " is not in " + repository));
    }

    /**
     * Validates ({@link ManifestValidator}) and stores a manifest whose references are all in
     * {@code repository}; tags it when {@code reference} is a tag.
     */
    public ManifestRow putManifest(String repository, String reference, String contentType, byte[] body) {
        Digest digest = sha256(body);
        if (OciGrammar.isDigest(reference) && !OciGrammar.digest(reference).equals(digest)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest hashes to " + digest + ", not " + reference);
        }
        ValidatedManifest manifest = validator.validate(contentType, body);
        ManifestRow row = new ManifestRow(repository, digest, manifest.mediaType(), body, manifest.subject(), manifest.artifactType());
        List<Digest> blobs = manifest.isIndex() ? List.of() : manifest.references();
        List<Digest> children = manifest.isIndex() ? manifest.references() : List.of();
        Optional<String> tag = OciGrammar.isDigest(reference) ? Optional.empty() : Optional.of(reference);
        metadata.storeManifest(row, blobs, children, tag).ifPresent(missing -> {
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, missing + " is not in " + repository);
        });
        return row;
    }

    public void deleteManifest(String repository, String reference) {
        boolean deleted = OciGrammar.isDigest(reference)
                ? metadata.deleteManifest(repository, OciGrammar.digest(reference))
                : metadata.deleteTag(repository, reference);
        if (!deleted) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + repository);
        }
    }

    public List<String> tags(String repository, String last, int n) {
        if (!metadata.repositoryExists(repository)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, repository);
        }
        return metadata.tags(repository, last, n);
    }

    public List<String> catalog(String last, int n) {
        return metadata.repositories(last, n);
    }

    /** Descriptors of the manifests whose subject is {@code subject}, optionally of one artifact type. */
    public List<JsonNode> referrers(String repository, Digest subject, Optional<String> artifactType) {
        List<JsonNode> out = new ArrayList<>();
        for (ManifestRow row : metadata.referrers(repository, subject)) {
            if (artifactType.isPresent() && !artifactType.equals(row.artifactType())) {
                continue;
            }
            var descriptor = json.createObjectNode();
            descriptor.put("mediaType", row.mediaType());
            descriptor.put("digest", row.digest().toString());
            descriptor.put("size", row.content().length);
            row.artifactType().ifPresent(t -> descriptor.put("artifactType", t));
            JsonNode annotations = annotations(row.content());
            if (annotations.isObject()) {
                descriptor.set("annotations", annotations);
            }
            out.add(descriptor);
        }
        return out;
    }

    /** A stored manifest's annotations (lenient: rows stored before stricter validation are served as they are). */
    private JsonNode annotations(byte[] manifest) {
        try {
            JsonNode root = json.readTree(manifest);
            return root == null ? json.missingNode() : root.path("annotations");
        } catch (java.io.IOException e) {
            return json.missingNode();
        }
    }

    public static Digest sha256(byte[] bytes) {
        try {
            return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
