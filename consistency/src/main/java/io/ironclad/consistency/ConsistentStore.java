package io.ironclad.consistency;

import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.util.Optional;

/**
 * Content-addressed, verified storage over any {@link io.ironclad.driver.StorageDriver}.
 *
 * <p>Guarantees, whatever the backend's consistency:
 * <ul>
 *   <li>Every object written carries integrity metadata ({@code ironclad-digest},
 *       {@code ironclad-size}, {@code ironclad-written}).</li>
 *   <li>No read delivers a complete body whose digest or size differs from the
 *       {@link Expectation}: it is refused with {@link IntegrityException} (in {@code spool}
 *       mode before the first byte, in {@code stream} mode before the last byte).</li>
 *   <li>A {@linkplain Expectation#known() known} object that is missing, stale or wrong is
 *       retried with freshness reads under the {@link ConsistencyPolicy}, and then fails with
 *       {@link ConsistencyTimeoutException}, never with {@link ObjectNotFoundException}.</li>
 *   <li>Puts and upload completions return only after the write barrier: a freshness read saw
 *       the object with correct metadata.</li>
 *   <li>Every retry, freshness fetch, refusal and timeout is reported as a {@link ConsistencyEvent}.</li>
 * </ul>
 * Thread safe.
 */
public interface ConsistentStore extends AutoCloseable {

    /** Name of the underlying driver. */
    String driverName();

    /**
     * Stores {@code payload} under {@code key}, hashing it on the way. If the key already holds
     * an object with the same digest and size, nothing is written (content addressing makes
     * that a success).
     *
     * @throws IntegrityException if the payload does not hash to {@code expected.digest()} or
     *     differs from its size; nothing is left stored
     * @throws ConsistencyTimeoutException if the write barrier did not see the object in time
     */
    StoredObject put(ObjectKey key, Expectation expected, Payload payload) throws StorageException;

    /**
     * Returns the verified metadata of an object without reading its body from the store when
     * the metadata suffices (integrity metadata matching the expectation).
     *
     * @throws ObjectNotFoundException only for an unknown key absent after a freshness read
     * @throws ConsistencyTimeoutException for a known key that stayed missing or wrong
     */
    StoredObject stat(ObjectKey key, Expectation expected) throws StorageException;

    /**
     * Opens an object whose content is verified against {@code expected}. A range is served
     * from verified bytes only (spool mode), or verified with the whole object (stream mode:
     * the whole object is hashed, only the range delivered). The caller closes the result.
     *
     * @throws ObjectNotFoundException only for an unknown key absent after a freshness read
     * @throws ConsistencyTimeoutException for a known key that never became readable and correct
     * @throws IntegrityException never for a spooled read (wrong bodies are retried, then time out);
     *     thrown <em>by the stream</em> as an {@code IOException} with this cause in stream mode
     */
    VerifiedContent open(ObjectKey key, Expectation expected, Optional<ByteRange> range) throws StorageException;

    /** Starts a chunked upload hashing with {@code algorithm}; the target key is chosen at completion. */
    Upload startUpload(io.ironclad.driver.Digest.Algorithm algorithm) throws StorageException;

    /**
     * Continues an upload in this or another process from its persisted state.
     *
     * @throws ObjectNotFoundException if the upload was completed, cancelled or reaped
     */
    Upload resumeUpload(UploadState state) throws StorageException;

    /**
     * The backend's circuit breaker: every driver call of this store passes it. While it is
     * {@linkplain BackendAvailability#isOpen() open}, operations that need the backend fail at once
     * with {@link io.ironclad.consistency.availability.CircuitOpenException}; an operation that met
     * the backend down until its deadline fails with {@link io.ironclad.driver.BackendUnavailableException},
     * never with {@link ConsistencyTimeoutException}.
     */
    BackendAvailability availability();

    /** Deletes an object and drops it from the verified cache. Idempotent. */
    void delete(ObjectKey key) throws StorageException;

    /**
     * What the backend can do, as its driver declares it; e.g. {@link Capabilities#minPartSize()}, the
     * smallest chunk (but the last) an upload can assemble. Layers above this one ask here and hold
     * no driver of their own.
     */
    Capabilities capabilities();

    /**
     * One page of the backend's keys under the request's prefix, as the backend lists them (through
     * the circuit breaker, not retried: the caller's next round lists again): listings are not
     * verified and may lag behind writes, so a caller reconciles them with its own records (the
     * orphan collector does, against the blob rows) and never serves from them.
     */
    ListPage list(ListRequest request) throws StorageException;

    /**
     * Asks the backend once whether it answers: a plain lookup of a key that need not exist, past the
     * circuit breaker and without retries, so a health check sees the backend itself rather than the
     * breaker's view of it. Returns normally when the backend answered (found or not); throws what
     * the backend threw.
     */
    void probe() throws StorageException;

    @Override
    void close();
}
