package io.ironclad.consistency;

import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.consistency.availability.BackendProbe;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.time.Clock;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The {@link ConsistentStore}: reads go through {@link VerifiedReads} (delivered by
 * {@link ReadDeliveries}), writes through {@link VerifiedWrites} and its write barrier, chunked
 * uploads through {@link DefaultUpload}; all of them share one {@link StoreContext}.
 */
final class DefaultConsistentStore implements ConsistentStore {

    /** Verified versions of local store files remembered (about 200 bytes each). */
    private static final int LOCAL_VERSIONS = 100_000;

    private final StoreContext context;
    private final BackendAvailability availability;
    private final VerifiedCache cache;
    private final LocalFileVerifier localFiles = new LocalFileVerifier(LOCAL_VERSIONS);
    private final VerifiedReads reads;
    private final VerifiedWrites writes;
    private final StorageDriver backend;

    /**
     * @param driver the backend behind its circuit breaker: every call of the store's operations
     * @param backend the same backend without the breaker, only for {@link #probe()}
     */
    DefaultConsistentStore(StorageDriver driver, StorageDriver backend, BackendAvailability availability, ConsistentStoreConfig config,
            EventSink events, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.backend = backend;
        this.context = new StoreContext(driver, config, events, clock, sleeper, random);
        this.availability = availability;
        // both modes keep the cache: spool mode serves only from it, stream mode fills it while streaming
        this.cache = new VerifiedCache(config.cacheDirectory(), config.cacheMaxBytes(), events);
        this.reads = new VerifiedReads(context, new ReadDeliveries(context, cache, localFiles));
        this.writes = new VerifiedWrites(context);
    }

    @Override
    public String driverName() {
        return context.driverName();
    }

    @Override
    public StoredObject stat(ObjectKey key, Expectation expected) throws StorageException {
        return reads.stat(key, expected);
    }

    @Override
    public VerifiedContent open(ObjectKey key, Expectation expected, Optional<ByteRange> range) throws StorageException {
        return reads.open(key, expected, range);
    }

    @Override
    public StoredObject put(ObjectKey key, Expectation expected, Payload payload) throws StorageException {
        return writes.put(key, expected, payload);
    }

    @Override
    public Upload startUpload(Digest.Algorithm algorithm) throws StorageException {
        Hasher hasher = Hashers.resumable(algorithm);
        ObjectWriter writer = context.retryTransient("start upload", VerifiedWrites.NEW_UPLOAD, context.driver::newWriter);
        return new DefaultUpload(context, writes, writer, hasher, 0);
    }

    @Override
    public Upload resumeUpload(UploadState state) throws StorageException {
        Hasher hasher = Hashers.restore(state.algorithm(), state.hashState());
        ObjectWriter writer = context.retryTransient("resume upload", DefaultUpload.label(state.writer()),
                () -> context.driver.resumeWriter(state.writer()));
        return new DefaultUpload(context, writes, writer, hasher, state.size());
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        Optional<Digest> digest = Optional.empty();
        try {
            digest = context.driver.find(key, ReadOptions.PLAIN).flatMap(Verification::integrity).map(IntegrityMetadata::digest);
        } catch (TransientStorageException e) {
            // the delete itself decides; the cache entry then stays until evicted (it is still correct content)
        }
        context.driver.delete(key);
        digest.ifPresent(cache::remove);
        digest.ifPresent(localFiles::forget);
    }

    @Override
    public Capabilities capabilities() {
        return context.driver.capabilities();
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return context.driver.list(request);
    }

    @Override
    public void probe() throws StorageException {
        BackendProbe.ask(backend);
    }

    @Override
    public BackendAvailability availability() {
        return availability;
    }

    @Override
    public void close() {
        context.driver.close();
    }

    /** Local-file verification introspection for tests. */
    LocalFileVerifier localFiles() {
        return localFiles;
    }

    /** Cache introspection for tests. */
    Optional<VerifiedCache> cache() {
        return Optional.of(cache);
    }
}
