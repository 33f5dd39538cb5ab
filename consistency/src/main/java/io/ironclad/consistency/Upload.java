package io.ironclad.consistency;

import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;

/**
 * A chunked upload: each {@link #append} stores its chunk as parts in the backend and advances the running
 * hash, whose state is part of {@link #state()} so another process can continue. Not thread safe;
 * callers serialise appends of one upload (e.g. by a database row lock).
 */
public interface Upload {

    /** Persistable state after the last successful call: driver writer state, hash state, size. */
    UploadState state();

    /**
     * Stores the next chunk as one or more new parts of the driver's part size, reading the chunk
     * once; a transient failure resends only the part it hit. After a failure part-way,
     * {@link #state()} names the parts stored before it.
     *
     * @throws io.ironclad.driver.PreconditionFailedException if the state is behind the backend
     *     (another process appended in between)
     */
    UploadState append(Payload chunk) throws StorageException;

    /**
     * Checks the running digest against {@code expected}, assembles the parts under {@code target}
     * with integrity metadata, and passes the write barrier. If {@code target} already holds a
     * verified object with this digest, the parts are dropped and that object returned.
     *
     * @throws IntegrityException if the uploaded bytes do not hash to {@code expected}; the parts
     *     are deleted and nothing is stored
     * @throws ConsistencyTimeoutException if the write barrier did not see the object in time
     */
    StoredObject complete(ObjectKey target, io.ironclad.driver.Digest expected) throws StorageException;

    /** Deletes every stored part. Idempotent. */
    void cancel() throws StorageException;
}
