package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.util.Optional;

/**
 * What the pull-through cache needs of the registry it fills: the registry's own verified store
 * and metadata, so cached content is served, verified and collected exactly like pushed content.
 * Implemented by the registry package; every method is one short operation.
 */
public interface LocalCache {

    /** A held digest lock (across replicas where coordination is shared); closing releases it. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether {@code repository} links blob {@code digest}. */
    boolean hasBlob(String repository, Digest digest);

    /** Links blob {@code digest} into {@code repository} if the store holds it already (for any repository); whether it did. */
    boolean linkIfStored(String repository, Digest digest);

    /**
     * Streams {@code body} into the verified store under the blob's content-addressed key and links
     * it into {@code repository}; the body is hashed while it streams.
     *
     * @throws io.ironclad.driver.IntegrityException when it does not hash to {@code digest} or has
     *     another size: nothing is stored or linked
     */
    void storeBlob(String repository, Digest digest, Payload body) throws StorageException;

    boolean hasManifest(String repository, Digest digest);

    /** Stores a verified manifest (its references are fetched when asked for, so they need not be present). */
    void storeManifest(String repository, Digest digest, String mediaType, byte[] body);

    /** The digest {@code tag} names in {@code repository}. */
    Optional<Digest> tag(String repository, String tag);

    void putTag(String repository, String tag, Digest digest);

    void deleteTag(String repository, String tag);

    /** Deletes the cached manifest {@code digest} of {@code repository} and the tags naming it (size-bound eviction). */
    void evictManifest(String repository, Digest digest);

    /** Holds {@code digest} against other writers, on every replica: one upstream fetch at a time. */
    Lock lockForWrite(Digest digest);
}
