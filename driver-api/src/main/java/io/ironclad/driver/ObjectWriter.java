package io.ironclad.driver;

/**
 * A multi-part upload in progress (maps to OCI chunked uploads, Swift SLO segments and S3
 * multipart uploads). Nothing is visible under any key until {@link #commit}. Not thread safe.
 */
public interface ObjectWriter {

    /** The persistable state after the last successful call. */
    WriterState state();

    /**
     * Stores part {@code number}, which must be {@code state().parts().size() + 1} (append) or
     * {@code state().parts().size()} (retry of the last part, replacing it). Every part but the
     * last must be at least {@link Capabilities#minPartSize()} bytes; the driver checks that at
     * commit.
     *
     * @throws PreconditionFailedException on any other part number
     */
    PartInfo writePart(int number, Payload payload) throws StorageException;

    /**
     * Assembles the parts, in order, into one object under {@code target} with the given
     * metadata, and releases the upload. Assembly never depends on a listing. With zero parts
     * the object is empty.
     *
     * @throws ObjectAlreadyExistsException on a create-only commit to an existing key (the upload stays usable)
     * @throws PreconditionFailedException if a non-final part is smaller than the minimum part size
     */
    ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException;

    /** Deletes every stored part. Idempotent; the writer is unusable afterwards. */
    void cancel() throws StorageException;
}
