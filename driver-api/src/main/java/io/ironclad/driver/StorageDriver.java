package io.ironclad.driver;

import java.util.Optional;

/**
 * One object store backend, seen as a flat namespace of immutable-once-written objects.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>Every failure is a {@link StorageException} naming {@link #name()} and the key; only
 *       {@link TransientStorageException} may be retried as is.</li>
 *   <li>Writes are atomic: a reader sees the previous object or the whole new one, never a mix.
 *       What a reader sees <em>when</em> depends on {@link #capabilities()}: without
 *       {@link Capability#READ_AFTER_WRITE} a read may return an older version or report the
 *       object missing for a while after a successful write.</li>
 *   <li>A {@link ReadOptions#FRESH fresh} read asks the backend for its newest copy (Swift
 *       {@code X-Newest: true}); drivers without {@link Capability#FRESHNESS_READ} treat it as a
 *       plain read.</li>
 *   <li>Drivers are thread safe; streams and writers they return are not.</li>
 * </ul>
 */
public interface StorageDriver extends AutoCloseable {

    /** Short backend name used in every error message and metric tag, e.g. {@code "swift"}. */
    String name();

    /** What this backend guarantees and supports; constant for the driver's lifetime. */
    Capabilities capabilities();

    /**
     * Returns the metadata of an object.
     *
     * @throws ObjectNotFoundException if the object does not exist (or is not visible yet)
     */
    ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException;

    /**
     * Opens an object, or the part of it named by {@link ReadOptions#range()}, for streaming.
     * The caller must close the returned content. An open-ended or over-long range is clamped to
     * the object's end.
     *
     * @throws ObjectNotFoundException if the object does not exist (or is not visible yet)
     * @throws RangeNotSatisfiableException if the range starts at or beyond the object's size
     * @throws PreconditionFailedException if {@link ReadOptions#ifMatch()} names another version
     */
    ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException;

    /**
     * Stores an object in one request, streaming the payload (which may be reopened for a retry).
     * With {@link PutOptions#createOnly()} the put fails if the key already exists, and of
     * concurrent create-only puts of one key at most one succeeds.
     *
     * @return the stored object's metadata, including the user metadata written
     * @throws ObjectAlreadyExistsException on a create-only put of an existing key
     * @throws UnsupportedCapabilityException on a create-only put without
     *     {@link Capability#CONDITIONAL_CREATE}
     * @throws OutcomeUnknownException if the backend may or may not have stored the object
     */
    ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException;

    /**
     * Starts a multi-part upload whose target key is chosen only at {@link ObjectWriter#commit}.
     * Parts live in backend storage (Swift segments, S3 parts, staged files), so the upload
     * survives the process: its {@link ObjectWriter#state()} can be persisted and handed to
     * {@link #resumeWriter} in another process.
     */
    ObjectWriter newWriter() throws StorageException;

    /**
     * Starts a multi-part upload that is to be committed to {@code target} with {@code options}'
     * user metadata, both known before the first part (a large put of a known key). A driver may
     * then keep the parts under {@code target} itself (S3: a multipart upload of the target key,
     * so that commit is a completion instead of a completion plus a server-side copy). As with
     * {@link #newWriter()}, nothing is visible under {@code target} before commit, and cancel
     * leaves an object already stored there alone. Its {@link ObjectWriter#commit} must name
     * {@code target} and the same user metadata (create-only may differ); drivers that keep
     * nothing under the target answer {@link #newWriter()}, which is the default.
     *
     * @throws IllegalArgumentException from the writer's commit to another key or with other user metadata
     */
    default ObjectWriter newWriter(ObjectKey target, PutOptions options) throws StorageException {
        return newWriter();
    }

    /**
     * Continues an upload started by {@link #newWriter()} in this or another process.
     *
     * @throws ObjectNotFoundException if the upload was committed, cancelled or reaped
     */
    ObjectWriter resumeWriter(WriterState state) throws StorageException;

    /** Deletes an object. Idempotent: deleting a missing key succeeds. */
    void delete(ObjectKey key) throws StorageException;

    /**
     * Lists keys under a prefix in ascending UTF-8 byte order of their keys, strictly after
     * {@link ListRequest#startAfter()}, at most {@link ListRequest#limit()} per page. Without
     * {@link Capability#LIST_AFTER_WRITE} a listing may omit recent writes or show deleted keys.
     */
    ListPage list(ListRequest request) throws StorageException;

    /**
     * Copies an object inside the backend, replacing its user metadata with {@code options}'.
     *
     * @throws UnsupportedCapabilityException without {@link Capability#SERVER_SIDE_COPY}
     * @throws ObjectNotFoundException if the source does not exist
     */
    default ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        throw new UnsupportedCapabilityException(name(), source, Capability.SERVER_SIDE_COPY);
    }

    /**
     * Replaces the user metadata of an existing object in place, leaving its content unchanged
     * (and its etag, except on S3, where the copy of a multipart-uploaded object gets a
     * single-part etag): the whole user metadata becomes {@code userMetadata}, so a caller that adds keys
     * passes the existing ones too. Only the version whose etag is {@code expectedEtag} is
     * changed; if the object was overwritten since, the call fails and the newer version keeps
     * its own metadata (S3: one copy-in-place conditional on the etag; Swift, whose POST has no
     * condition: checked before and after the POST, and the POST undone on a version that raced
     * in between; filesystem: checked just before the atomic replace).
     *
     * @return the object's metadata after the update
     * @throws UnsupportedCapabilityException without {@link Capability#METADATA_UPDATE}
     * @throws ObjectNotFoundException if the object does not exist
     * @throws PreconditionFailedException if the object's etag is not {@code expectedEtag}
     */
    default ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        throw new UnsupportedCapabilityException(name(), key, Capability.METADATA_UPDATE);
    }

    /** Releases connections and threads; the driver is unusable afterwards. */
    @Override
    void close();

    /** The key's content as an optional, for lookups where absence is not an error. */
    default Optional<ObjectInfo> find(ObjectKey key, ReadOptions options) throws StorageException {
        try {
            return Optional.of(stat(key, options));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }
}
