package io.ironclad.consistency;

import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

final class DefaultConsistentStore implements ConsistentStore {

    /** Names a not yet started upload in events and errors. */
    private static final ObjectKey NEW_UPLOAD = ObjectKey.of("upload/new");


    private static final int BUFFER = 256 * 1024;

    /** Verified versions of local store files remembered (about 200 bytes each). */
    private static final int LOCAL_VERSIONS = 100_000;

    /** The driver behind the circuit breaker: every call passes it. */
    private final StorageDriver driver;
    private final BackendAvailability availability;
    private final ConsistentStoreConfig config;
    private final EventSink events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final VerifiedCache cache;
    private final LocalFileVerifier localFiles = new LocalFileVerifier(LOCAL_VERSIONS);
    private final Counter hits;
    private final Counter misses;

    DefaultConsistentStore(StorageDriver driver, BackendAvailability availability, ConsistentStoreConfig config, EventSink events,
            Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.driver = driver;
        this.availability = availability;
        this.config = config;
        this.events = events;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        // both modes keep the cache: spool mode serves only from it, stream mode fills it while streaming
        this.cache = new VerifiedCache(config.cacheDirectory(), config.cacheMaxBytes(), events);
        this.hits = events.cacheCounter(ConsistencyMeters.CACHE_HITS);
        this.misses = events.cacheCounter(ConsistencyMeters.CACHE_MISSES);
    }

    @Override
    public String driverName() {
        return driver.name();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public StoredObject stat(ObjectKey key, Expectation expected) throws StorageException {
        Attempts attempts = attempts("stat", key);
        while (true) {
            boolean fresh = attempts.next();
            try {
                ObjectInfo info = driver.stat(key, fresh ? ReadOptions.FRESH : ReadOptions.PLAIN);
                Optional<String> problem = metadataProblem(info, expected);
                if (problem.isPresent()) {
                    attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                    attempts.failed(problem.get(), null);
                    continue;
                }
                Optional<IntegrityMetadata> integrity = integrity(info);
                if (integrity.isPresent()) {
                    attempts.succeeded();
                    return stored(info, integrity.get());
                }
                Optional<StoredObject> legacy = verifyLegacy(key, expected, info, attempts);
                if (legacy.isPresent()) {
                    attempts.succeeded();
                    return legacy.get();
                }
            } catch (ObjectNotFoundException e) {
                missed(expected, fresh, attempts, e);
            } catch (TransientStorageException e) {
                attempts.failed(e.getMessage(), e);
            }
        }
    }

    @Override
    public VerifiedContent open(ObjectKey key, Expectation expected, Optional<ByteRange> range) throws StorageException {
        if (expected.known()) {
            Optional<VerifiedContent> hit = openCached(key, expected, range);
            if (hit.isPresent()) {
                hits.increment();
                return hit.get();
            }
            misses.increment();
        }
        Attempts attempts = attempts("open", key);
        while (true) {
            boolean fresh = attempts.next();
            ObjectContent content = null;
            try {
                content = driver.open(key, fresh ? ReadOptions.FRESH : ReadOptions.PLAIN);
                Optional<String> problem = metadataProblem(content.info(), expected);
                if (problem.isPresent()) {
                    attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                    closeQuietly(content);
                    attempts.failed(problem.get(), null);
                    continue;
                }
                Optional<VerifiedContent> verified = deliver(key, expected, range, content, attempts);
                if (verified.isPresent()) {
                    attempts.succeeded();
                    return verified.get();
                }
            } catch (ObjectNotFoundException e) {
                missed(expected, fresh, attempts, e);
            } catch (TransientStorageException e) {
                closeQuietly(content);
                attempts.failed(e.getMessage(), e);
            } catch (StorageException | RuntimeException e) {
                closeQuietly(content);
                throw e;
            }
        }
    }

    /** Picks the delivery for a body whose metadata checked out; empty when the body was refused (already reported). */
    private Optional<VerifiedContent> deliver(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, Attempts attempts) throws StorageException {
        long size = expectedSize(content.info(), expected);
        Optional<ByteRange> clamped = clamp(key, range, size);
        if (content.body() instanceof FileRegionStream file && file.remaining() == size) {
            return inPlace(key, expected, clamped, content, file, size, attempts);
        }
        if (config.mode() == VerificationMode.SPOOL) {
            return spool(key, expected, clamped, content, size, attempts);
        }
        if (size <= config.smallObjectBytes()) {
            return inMemory(key, expected, clamped, content, size, attempts);
        }
        return Optional.of(streaming(key, expected, clamped, content, size));
    }

    private Optional<VerifiedContent> openCached(ObjectKey key, Expectation expected, Optional<ByteRange> range)
            throws StorageException {
        Optional<Path> file = cache.lookup(expected.digest());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file.get());
            if (expected.size().isPresent() && expected.size().getAsLong() != size) {
                return Optional.empty(); // the caller expects other content under this digest: let the store decide
            }
            Optional<ByteRange> clamped = clamp(key, range, size);
            InputStream body = openFile(file.get(), clamped);
            touch(file.get());
            StoredObject object = new StoredObject(key, expected.digest(), size, "",
                    Files.getLastModifiedTime(file.get()).toInstant(), false);
            return Optional.of(new VerifiedContent(object, clamped, body, true));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // evicted between lookup and open
        } catch (IOException e) {
            throw new StorageException(driver.name(), key, "reading verified cache file failed: " + e.getMessage(), e);
        }
    }

    private Optional<VerifiedContent> spool(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size, Attempts attempts) throws StorageException {
        Path temp = null;
        try (ObjectContent body = content) {
            temp = cache.newTempFile();
            Hasher hasher = Hashers.fast(expected.digest().algorithm());
            long copied;
            try (OutputStream out = Files.newOutputStream(temp)) {
                copied = copyHashing(body.body(), out, hasher, size);
            }
            Optional<String> problem = bodyProblem(copied, size, hasher, expected.digest());
            if (problem.isPresent()) {
                VerifiedCache.deleteQuietly(temp);
                refuse(attempts, problem.get());
                return Optional.empty();
            }
            Path file = cache.admit(expected.digest(), temp);
            InputStream stream = openFile(file, range);
            cache.register(expected.digest(), size);
            StoredObject object = storedFromRead(key, expected, body.info(), size, attempts);
            return Optional.of(new VerifiedContent(object, range, stream, false));
        } catch (IOException e) {
            if (temp != null) {
                VerifiedCache.deleteQuietly(temp);
            }
            // a body that broke mid-way is like a transient error: retry it within the budget
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    /**
     * A body that is already a local file (the filesystem store): verified where it lies, before
     * the first byte, and served from the store's own file instead of a cache copy. A version
     * verified before in this process is not hashed again.
     */
    private Optional<VerifiedContent> inPlace(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, FileRegionStream file, long size, Attempts attempts) throws StorageException {
        try {
            if (!localFiles.known(content.info(), expected.digest())) {
                Hasher hasher = Hashers.fast(expected.digest().algorithm());
                long read = LocalFileVerifier.hash(file, hasher, size);
                Optional<String> problem = bodyProblem(read, size, hasher, expected.digest());
                if (problem.isPresent()) {
                    closeQuietly(content);
                    refuse(attempts, problem.get());
                    return Optional.empty();
                }
                localFiles.remember(content.info(), expected.digest());
            }
            StoredObject object = storedFromRead(key, expected, content.info(), size, attempts);
            InputStream body = range.isEmpty() ? file : file.slice(range.get().first(), range.get().length());
            return Optional.of(new VerifiedContent(object, range, body, false));
        } catch (IOException e) {
            closeQuietly(content);
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    private Optional<VerifiedContent> inMemory(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size, Attempts attempts) throws StorageException {
        try (ObjectContent body = content) {
            byte[] bytes = body.body().readNBytes((int) Math.min(size + 1, Integer.MAX_VALUE - 16));
            Hasher hasher = Hashers.fast(expected.digest().algorithm());
            hasher.update(bytes, 0, bytes.length);
            Optional<String> problem = bodyProblem(bytes.length, size, hasher, expected.digest());
            if (problem.isPresent()) {
                refuse(attempts, problem.get());
                return Optional.empty();
            }
            StoredObject object = storedFromRead(key, expected, body.info(), size, attempts);
            int from = range.map(r -> (int) r.first()).orElse(0);
            int length = range.map(r -> (int) r.length()).orElse(bytes.length);
            return Optional.of(new VerifiedContent(object, range, new ByteArrayInputStream(bytes, from, length), false));
        } catch (IOException e) {
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    private VerifiedContent streaming(ObjectKey key, Expectation expected, Optional<ByteRange> range,
            ObjectContent content, long size) {
        ObjectInfo info = content.info();
        Optional<IntegrityMetadata> integrity = integrity(info);
        StoredObject object = integrity.map(m -> stored(info, m))
                .orElseGet(() -> new StoredObject(key, expected.digest(), size, info.etag(), info.lastModified(), true));
        long first = range.map(ByteRange::first).orElse(0L);
        long last = range.map(ByteRange::last).orElse(size - 1);
        InputStream source = CacheFill.tee(content.body(), cache, expected.digest(), size);
        VerifyingInputStream body = new VerifyingInputStream(source, Hashers.fast(expected.digest().algorithm()),
                expected.digest(), size, first, last,
                detail -> {
                    events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "open", key, 1, java.time.Duration.ZERO, detail);
                    return new IntegrityException(driver.name(), key, "refused streamed body: " + detail);
                },
                () -> {
                    if (source instanceof CacheFill fill) {
                        fill.verified();
                    }
                    if (integrity.isEmpty()) {
                        events.emit(ConsistencyEvent.Kind.LEGACY_VERIFIED, "open", key, 1, java.time.Duration.ZERO,
                                "legacy object hashed to " + expected.digest());
                    }
                });
        return new VerifiedContent(object, range, body, false);
    }

    /** Hashes a legacy object's body; empty when it was refused (already reported and waited for). */
    private Optional<StoredObject> verifyLegacy(ObjectKey key, Expectation expected, ObjectInfo statInfo, Attempts attempts)
            throws StorageException {
        try (ObjectContent content = driver.open(key, attempts.attempt() > 1 ? ReadOptions.FRESH : ReadOptions.PLAIN)) {
            if (!content.info().etag().equals(statInfo.etag())) {
                attempts.failed("object changed between stat and open", null);
                return Optional.empty();
            }
            long size = expectedSize(content.info(), expected);
            Hasher hasher = Hashers.fast(expected.digest().algorithm());
            long read = copyHashing(content.body(), OutputStream.nullOutputStream(), hasher, size);
            Optional<String> problem = bodyProblem(read, size, hasher, expected.digest());
            if (problem.isPresent()) {
                refuse(attempts, problem.get());
                return Optional.empty();
            }
            return Optional.of(storedFromRead(key, expected, content.info(), size, attempts));
        } catch (IOException e) {
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    private StoredObject storedFromRead(ObjectKey key, Expectation expected, ObjectInfo info, long size, Attempts attempts) {
        Optional<IntegrityMetadata> integrity = integrity(info);
        if (integrity.isPresent()) {
            return stored(info, integrity.get());
        }
        attempts.report(ConsistencyEvent.Kind.LEGACY_VERIFIED, "legacy object hashed to " + expected.digest());
        return new StoredObject(key, expected.digest(), size, info.etag(), info.lastModified(), true);
    }

    private void refuse(Attempts attempts, String detail) throws ConsistencyTimeoutException, TransientStorageException {
        attempts.report(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, detail);
        attempts.failed(detail, null);
    }

    /** A miss: unknown keys get exactly one immediate freshness read, known keys the whole budget. */
    private void missed(Expectation expected, boolean fresh, Attempts attempts, ObjectNotFoundException e)
            throws StorageException {
        if (!expected.known()) {
            if (fresh) {
                attempts.succeeded();
                throw e;
            }
            // most misses of unknown keys are true absences (a HEAD before a push): check the
            // authoritative copy at once instead of waiting a backoff
            attempts.retryNow("not found");
            return;
        }
        attempts.failed("not found", e);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public StoredObject put(ObjectKey key, Expectation expected, Payload payload) throws StorageException {
        long size = expected.size().orElse(payload.size());
        if (payload.size() != size) {
            throw new IntegrityException(driver.name(), key, "payload declares " + payload.size() + " bytes, expected " + size);
        }
        Optional<StoredObject> existing = existingSame(key, expected.digest(), size);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (size > driver.capabilities().partSize()) {
            return putInParts(key, expected.digest(), payload);
        }
        AtomicReference<HashingInputStream> lastStream = new AtomicReference<>();
        Payload hashing = Payload.of(size, () -> {
            HashingInputStream stream = new HashingInputStream(payload.open(), Hashers.fast(expected.digest().algorithm()));
            lastStream.set(stream);
            return stream;
        });
        PutOptions options = new IntegrityMetadata(expected.digest(), size, clock.instant()).toPutOptions();
        Attempts attempts = attempts("put", key);
        while (true) {
            attempts.nextPlain();
            try {
                driver.put(key, hashing, options);
                break;
            } catch (TransientStorageException | OutcomeUnknownException e) {
                if (PayloadConsumedException.isCauseOf(e)) {
                    throw e; // the bytes to resend are gone: only the client can send them again
                }
                // content-addressed puts are idempotent, so an unknown outcome is retried like a transient error
                attempts.failed(e.getMessage(), e);
            }
        }
        attempts.succeeded();
        HashingInputStream stream = lastStream.get();
        Digest actual = stream == null ? Hashers.fast(expected.digest().algorithm()).digest() : stream.digest();
        long count = stream == null ? 0 : stream.count();
        if (count != size || !actual.equals(expected.digest())) {
            driver.delete(key);
            String detail = "payload hashed to " + actual + " over " + count + " bytes, expected " + expected.digest() + " over " + size;
            events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "put", key, attempts.attempt(), attempts.elapsed(), detail);
            throw new IntegrityException(driver.name(), key, "refused put: " + detail);
        }
        return barrier(key, expected.digest(), size);
    }

    /**
     * A body over the driver's part size goes as an upload of parts cut while it streams (Swift
     * segments, S3 parts), each retried alone: the driver's own large put would need the body
     * again for a retry (and Swift's reopens it for every segment), which a client's request body
     * streamed straight through cannot give.
     */
    private StoredObject putInParts(ObjectKey key, Digest digest, Payload payload) throws StorageException {
        ObjectWriter writer = retryTransient("start upload", NEW_UPLOAD, driver::newWriter);
        DefaultUpload upload = DefaultUpload.inOneCall(this, driver, writer, Hashers.fast(digest.algorithm()));
        try {
            upload.write(payload);
        } catch (StorageException | RuntimeException e) {
            try {
                upload.cancel();
            } catch (StorageException | RuntimeException suppressed) {
                e.addSuppressed(suppressed); // the parts stay behind, as after a failed chunked upload
            }
            throw e;
        }
        return upload.complete(key, digest);
    }

    /**
     * The stored object if {@code key} already holds this content: its metadata names it and its
     * bytes hash to it. A key whose metadata agrees but whose bytes do not (a broken object) is
     * reported and answered empty, so the caller's verified bytes replace it instead of being
     * discarded as redundant.
     */
    Optional<StoredObject> existingSame(ObjectKey key, Digest digest, long size) throws StorageException {
        try {
            Optional<ObjectInfo> info = driver.find(key, ReadOptions.PLAIN);
            Optional<IntegrityMetadata> integrity = info.flatMap(DefaultConsistentStore::integrity);
            if (integrity.isPresent() && integrity.get().digest().equals(digest) && integrity.get().size() == size
                    && info.get().size() == size && contentHashesTo(key, digest, size)) {
                return Optional.of(stored(info.get(), integrity.get()));
            }
            return Optional.empty();
        } catch (TransientStorageException | ObjectNotFoundException e) {
            return Optional.empty(); // the write goes ahead; the barrier checks the result
        }
    }

    /** Hashes the freshest copy of {@code key} once; false (reported) when it is not {@code digest}. */
    private boolean contentHashesTo(ObjectKey key, Digest digest, long size) throws StorageException {
        try (ObjectContent content = driver.open(key, ReadOptions.FRESH)) {
            Hasher hasher = Hashers.fast(digest.algorithm());
            long read = copyHashing(content.body(), OutputStream.nullOutputStream(), hasher, size);
            Optional<String> problem = bodyProblem(read, size, hasher, digest);
            problem.ifPresent(p -> events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "redundancy check", key, 1,
                    java.time.Duration.ZERO, "stored object fails verification, replacing it with the pushed bytes: " + p));
            return problem.isEmpty();
        } catch (IOException e) {
            throw new TransientStorageException(driver.name(), key, "reading the stored object to check it failed: " + e.getMessage(), e);
        }
    }

    /** Freshness-reads {@code key} until its metadata shows this content. */
    StoredObject barrier(ObjectKey key, Digest digest, long size) throws StorageException {
        Attempts attempts = attempts("barrier", key);
        Expectation expected = Expectation.known(digest, size);
        while (true) {
            attempts.next();
            try {
                ObjectInfo info = driver.stat(key, ReadOptions.FRESH);
                Optional<IntegrityMetadata> integrity = integrity(info);
                Optional<String> problem = integrity.isEmpty() ? Optional.of("no integrity metadata yet")
                        : metadataProblem(info, expected);
                if (problem.isEmpty()) {
                    attempts.succeeded();
                    return stored(info, integrity.get());
                }
                attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                attempts.failed(problem.get(), null);
            } catch (ObjectNotFoundException | TransientStorageException e) {
                attempts.failed(e.getMessage(), e);
            }
        }
    }

    @Override
    public Upload startUpload(Digest.Algorithm algorithm) throws StorageException {
        Hasher hasher = Hashers.resumable(algorithm);
        ObjectWriter writer = retryTransient("start upload", NEW_UPLOAD, driver::newWriter);
        return new DefaultUpload(this, driver, writer, hasher, 0);
    }

    @Override
    public Upload resumeUpload(UploadState state) throws StorageException {
        Hasher hasher = Hashers.restore(state.algorithm(), state.hashState());
        ObjectWriter writer = retryTransient("resume upload", DefaultUpload.label(state.writer()), () -> driver.resumeWriter(state.writer()));
        return new DefaultUpload(this, driver, writer, hasher, state.size());
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        Optional<Digest> digest = Optional.empty();
        try {
            digest = driver.find(key, ReadOptions.PLAIN).flatMap(DefaultConsistentStore::integrity).map(IntegrityMetadata::digest);
        } catch (TransientStorageException e) {
            // the delete itself decides; the cache entry then stays until evicted (it is still correct content)
        }
        driver.delete(key);
        digest.ifPresent(cache::remove);
        digest.ifPresent(localFiles::forget);
    }

    @Override
    public BackendAvailability availability() {
        return availability;
    }

    @Override
    public void close() {
        driver.close();
    }

    // ---------------------------------------------------------------- helpers

    /** A driver call that may fail with a {@link TransientStorageException}. */
    @FunctionalInterface
    interface StorageCall<T> {
        T call() throws StorageException;
    }

    /**
     * Runs an idempotent driver call, retrying transient failures and unknown outcomes (a backend
     * blip: 5xx, 429, a dropped connection) under the consistency policy, each retry counted as an event, so one
     * bad answer from the backend does not fail a client's push.
     */
    <T> T retryTransient(String operation, ObjectKey label, StorageCall<T> call) throws StorageException {
        Attempts attempts = attempts(operation, label);
        while (true) {
            attempts.nextPlain();
            try {
                T result = call.call();
                attempts.succeeded();
                return result;
            } catch (TransientStorageException | OutcomeUnknownException e) {
                // the calls retried here are idempotent, so an unknown outcome is retried like a transient error
                if (PayloadConsumedException.isCauseOf(e)) {
                    throw e; // the bytes to resend are gone: only the client can send them again
                }
                attempts.failed(e.getMessage(), e);
            }
        }
    }

    Attempts attempts(String operation, ObjectKey key) {
        return new Attempts(config.policy(), events, clock, sleeper, random, operation, key);
    }

    EventSink events() {
        return events;
    }

    Path spoolDirectory() {
        return config.spoolDirectory();
    }

    Clock clock() {
        return clock;
    }

    /** Local-file verification introspection for tests. */
    LocalFileVerifier localFiles() {
        return localFiles;
    }

    /** Cache introspection for tests. */
    Optional<VerifiedCache> cache() {
        return Optional.of(cache);
    }

    static Optional<IntegrityMetadata> integrity(ObjectInfo info) {
        try {
            return IntegrityMetadata.from(info);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // malformed: metadataProblem reports it
        }
    }

    static StoredObject stored(ObjectInfo info, IntegrityMetadata integrity) {
        return new StoredObject(info.key(), integrity.digest(), integrity.size(), info.etag(), integrity.written(), false);
    }

    /** Why the metadata shows another version than expected, if it does. */
    static Optional<String> metadataProblem(ObjectInfo info, Expectation expected) {
        OptionalLong size = expected.size();
        if (size.isPresent() && info.size() != size.getAsLong()) {
            return Optional.of("size " + info.size() + " != expected " + size.getAsLong());
        }
        IntegrityMetadata integrity;
        try {
            Optional<IntegrityMetadata> parsed = IntegrityMetadata.from(info);
            if (parsed.isEmpty()) {
                return Optional.empty(); // legacy: the body decides
            }
            integrity = parsed.get();
        } catch (IllegalArgumentException e) {
            return Optional.of("malformed integrity metadata: " + e.getMessage());
        }
        if (!integrity.digest().equals(expected.digest())) {
            return Optional.of("digest " + integrity.digest() + " != expected " + expected.digest());
        }
        if (integrity.size() != info.size()) {
            return Optional.of("stored size " + info.size() + " != metadata size " + integrity.size());
        }
        return Optional.empty();
    }

    private static long expectedSize(ObjectInfo info, Expectation expected) {
        if (expected.size().isPresent()) {
            return expected.size().getAsLong();
        }
        return integrity(info).map(IntegrityMetadata::size).orElse(info.size());
    }

    private Optional<ByteRange> clamp(ObjectKey key, Optional<ByteRange> range, long size) throws RangeNotSatisfiableException {
        if (range.isEmpty()) {
            return range;
        }
        if (!range.get().satisfiable(size)) {
            throw new RangeNotSatisfiableException(driver.name(), key, "range " + range.get() + " beyond size " + size);
        }
        return Optional.of(range.get().clamp(size));
    }

    private static Optional<String> bodyProblem(long read, long size, Hasher hasher, Digest expected) {
        if (read != size) {
            return Optional.of("body of " + (read > size ? "more than " + size : Long.toString(read)) + " bytes, expected " + size);
        }
        Digest actual = hasher.digest();
        return actual.equals(expected) ? Optional.empty() : Optional.of("body hashes to " + actual + ", expected " + expected);
    }

    /** Copies at most {@code size + 1} bytes (enough to notice a long body) while hashing; returns the count. */
    private static long copyHashing(InputStream in, OutputStream out, Hasher hasher, long size) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while (total <= size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size + 1 - total))) >= 0) {
            hasher.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** A verified cache file as a {@link FileRegionStream}, so the HTTP layer can send it in large direct reads. */
    private static InputStream openFile(Path file, Optional<ByteRange> range) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            long first = range.map(ByteRange::first).orElse(0L);
            long length = range.map(ByteRange::length).orElse(size);
            return new FileRegionStream(channel, first, length, "verified file " + file.getFileName());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Records the use in the file's modification time, the LRU order the cache is rebuilt from on restart. */
    private void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(clock.instant()));
        } catch (IOException e) {
            // only the order after a restart suffers
        }
    }

    private static void closeQuietly(ObjectContent content) {
        if (content != null) {
            try {
                content.close();
            } catch (IOException e) {
                // nothing was delivered from it
            }
        }
    }

}
