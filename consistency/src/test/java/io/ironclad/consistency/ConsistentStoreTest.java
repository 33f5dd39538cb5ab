package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultKind;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConsistentStoreTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/aa/data");

    @TempDir
    Path cache;

    private final byte[] data = Fixture.bytes(100_000, 42);
    private final Digest digest = Fixture.sha256(data);

    @ParameterizedTest
    @EnumSource(VerificationMode.class)
    void putWritesIntegrityMetadataAndReadsVerify(VerificationMode mode) throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture fixture = new Fixture(memory, cache, mode, 1 << 30, 1024);

        StoredObject stored = fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));

        ObjectInfo info = memory.stat(KEY, ReadOptions.PLAIN);
        assertThat(info.userMetadata()).containsEntry(IntegrityMetadata.DIGEST, digest.toString())
                .containsEntry(IntegrityMetadata.SIZE, "100000")
                .containsEntry(IntegrityMetadata.WRITTEN, Long.toString(fixture.clock.millis()));
        assertThat(stored.digest()).isEqualTo(digest);
        assertThat(fixture.store.stat(KEY, Expectation.known(digest, data.length)).size()).isEqualTo(data.length);
        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(content.body().readAllBytes()).isEqualTo(data);
        }
        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length),
                Optional.of(new ByteRange(10, 19)))) {
            assertThat(content.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            assertThat(content.length()).isEqualTo(10);
        }
        assertThat(fixture.events).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(VerificationMode.class)
    void edgeRanges(VerificationMode mode) throws Exception {
        for (int small : new int[] {0, 1 << 20}) {
            Fixture fixture = new Fixture(InMemoryDrivers.create(), cache.resolve(mode + "-" + small), mode, 1 << 30, small);
            fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
            assertThat(readAll(fixture, Optional.of(new ByteRange(0, 0)))).containsExactly(data[0]);
            assertThat(readAll(fixture, Optional.of(ByteRange.from(data.length - 1)))).containsExactly(data[data.length - 1]);
            assertThat(readAll(fixture, Optional.of(new ByteRange(99_000, 500_000)))).isEqualTo(Arrays.copyOfRange(data, 99_000, data.length));
            assertThatThrownBy(() -> readAll(fixture, Optional.of(ByteRange.from(data.length))))
                    .isInstanceOf(io.ironclad.driver.RangeNotSatisfiableException.class);
        }
    }

    @Test
    void emptyObjectRoundTripsInBothModes() throws Exception {
        byte[] empty = new byte[0];
        Digest emptyDigest = Fixture.sha256(empty);
        for (VerificationMode mode : VerificationMode.values()) {
            Fixture fixture = new Fixture(InMemoryDrivers.create(), cache.resolve("e" + mode), mode, 1 << 30, 0);
            fixture.store.put(KEY, Expectation.of(emptyDigest, 0), Payload.ofBytes(empty));
            try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(emptyDigest, 0), Optional.empty())) {
                assertThat(content.body().readAllBytes()).isEmpty();
            }
        }
    }

    @Test
    void spoolCacheHitNeverTouchesTheDriver() throws Exception {
        CountingDriver counting = new CountingDriver(InMemoryDrivers.create());
        Fixture fixture = new Fixture(counting, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        read(fixture, Optional.empty());
        int calls = counting.calls.get();

        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length),
                Optional.of(ByteRange.from(99_990)))) {
            assertThat(content.fromCache()).isTrue();
            assertThat(content.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 99_990, 100_000));
        }
        assertThat(counting.calls.get()).isEqualTo(calls);
        assertThat(fixture.registry.counter(ConsistencyMeters.CACHE_HITS, "driver", "memory").count()).isEqualTo(1);
        assertThat(fixture.registry.counter(ConsistencyMeters.CACHE_MISSES, "driver", "memory").count()).isEqualTo(1);
        assertThat(Files.list(cache).map(p -> p.getFileName().toString())).containsExactly("sha256-" + digest.hex());
    }

    @Test
    void cacheEvictsLeastRecentlyUsedAndRebuildsFromTheDirectory() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture fixture = new Fixture(memory, cache, VerificationMode.SPOOL, 250_000, 1024);
        Digest[] digests = new Digest[3];
        for (int i = 0; i < 3; i++) {
            byte[] content = Fixture.bytes(100_000, i);
            digests[i] = Fixture.sha256(content);
            ObjectKey key = ObjectKey.of("k" + i);
            fixture.store.put(key, Expectation.of(digests[i], content.length), Payload.ofBytes(content));
            try (VerifiedContent read = fixture.store.open(key, Expectation.known(digests[i], content.length), Optional.empty())) {
                read.body().readAllBytes();
            }
        }
        assertThat(fixture.registry.counter(ConsistencyMeters.CACHE_EVICTIONS, "driver", "memory").count()).isEqualTo(1);
        assertThat(Files.exists(cache.resolve("sha256-" + digests[0].hex()))).isFalse();
        assertThat(Files.exists(cache.resolve("sha256-" + digests[2].hex()))).isTrue();

        Fixture restarted = new Fixture(memory, cache, VerificationMode.SPOOL, 250_000, 1024);
        try (VerifiedContent read = restarted.store.open(ObjectKey.of("k1"), Expectation.known(digests[1], 100_000), Optional.empty())) {
            assertThat(read.fromCache()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(VerificationMode.class)
    void lagIsRetriedWithFreshnessReads(VerificationMode mode) throws Exception {
        ManualClock clock = new ManualClock(Fixture.START);
        FaultyDriver faulty = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(1).withFreshReadsBypassLag(false), clock);
        Fixture linked = new Fixture(clock, faulty, cache, mode, 1 << 30, 1024);
        linked.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        faulty.delayVisibility(KEY, Duration.ofMillis(700));

        byte[] read = readAll(linked, Optional.empty());

        assertThat(read).isEqualTo(data);
        assertThat(linked.count(ConsistencyEvent.Kind.RETRY)).isEqualTo(faulty.counts().get(FaultKind.LAG_MISS)).isPositive();
        assertThat(linked.count(ConsistencyEvent.Kind.FRESHNESS_FETCH)).isEqualTo(linked.count(ConsistencyEvent.Kind.RETRY));
        assertThat(linked.registry.timer(ConsistencyMeters.WAIT, "driver", "memory", "operation", "open").count()).isEqualTo(1);
        assertThat(linked.registry.counter(ConsistencyMeters.EVENTS, "kind", "retry", "driver", "memory", "operation", "open").count())
                .isEqualTo(linked.count(ConsistencyEvent.Kind.RETRY));
        assertThat(linked.events).allSatisfy(e -> assertThat(e.key()).isEqualTo(KEY.value()));
    }

    @Test
    void knownKeyThatNeverAppearsTimesOutAndUnknownKeyIsNotFound() throws Exception {
        Fixture fixture = new Fixture(InMemoryDrivers.create(), cache, VerificationMode.SPOOL, 1 << 30, 1024);

        assertThatThrownBy(() -> fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()))
                .isInstanceOf(ConsistencyTimeoutException.class).hasMessageContaining("[memory] " + KEY.value());
        assertThat(fixture.count(ConsistencyEvent.Kind.TIMEOUT)).isEqualTo(1);
        assertThat(fixture.clock.instant()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:05Z"));

        fixture.events.clear();
        java.time.Instant before = fixture.clock.instant();
        assertThatThrownBy(() -> fixture.store.stat(KEY, Expectation.unknown(digest))).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> fixture.store.open(KEY, Expectation.unknown(digest), Optional.empty()))
                .isInstanceOf(ObjectNotFoundException.class);
        assertThat(fixture.clock.instant()).as("an unknown key's freshness read does not wait").isEqualTo(before);
        assertThat(fixture.count(ConsistencyEvent.Kind.TIMEOUT)).isZero();
        fixture.events.removeIf(e -> e.operation().equals("open"));
        assertThat(fixture.count(ConsistencyEvent.Kind.FRESHNESS_FETCH)).isEqualTo(1);
        assertThat(fixture.count(ConsistencyEvent.Kind.RETRY)).isEqualTo(1);
    }

    @Test
    void legacyObjectIsServedOnlyAfterItsContentHashes() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        memory.put(KEY, Payload.ofBytes(data), PutOptions.DEFAULT);
        Fixture fixture = new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024);

        StoredObject stat = fixture.store.stat(KEY, Expectation.known(digest, data.length));
        assertThat(stat.legacy()).isTrue();
        assertThat(fixture.count(ConsistencyEvent.Kind.LEGACY_VERIFIED)).isEqualTo(1);

        Digest other = Fixture.sha256(new byte[] {1});
        assertThatThrownBy(() -> fixture.store.stat(KEY, Expectation.known(other, data.length)))
                .isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isPositive();
    }

    @Test
    void streamModeFailsBeforeTheLastByteOfAWrongBody() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture writer = new Fixture(memory, cache.resolve("writer"), VerificationMode.STREAM, 1 << 30, 1024);
        writer.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        ManualClock clock = new ManualClock(java.time.Instant.EPOCH);
        FaultyDriver flipping = new FaultyDriver(memory, FaultPlan.none(3).withFlip(1.0), clock);
        Fixture fixture = new Fixture(flipping, cache, VerificationMode.STREAM, 1 << 30, 1024);

        VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty());
        byte[] buffer = new byte[data.length];
        int delivered = 0;
        IOException failure = null;
        try (InputStream body = content.body()) {
            int n;
            while ((n = body.read(buffer, delivered, buffer.length - delivered)) > 0) {
                delivered += n;
            }
        } catch (IOException e) {
            failure = e;
        }
        assertThat(failure).isNotNull().hasCauseInstanceOf(IntegrityException.class);
        assertThat(delivered).isLessThan(data.length);
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isEqualTo(1);
    }

    @Test
    void streamModeRefusesShortAndLongBodiesAndServesRangesAfterWholeVerification() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture fixture = new Fixture(memory, cache, VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        assertThat(readAll(fixture, Optional.of(new ByteRange(5, 9)))).isEqualTo(Arrays.copyOfRange(data, 5, 10));

        // a truncated body behind correct metadata (a stale DLO listing): refused before its end
        FaultyDriver truncating = new FaultyDriver(memory, FaultPlan.none(5).withTruncate(1.0), new ManualClock(Fixture.START));
        // (its own cache: the honest read above filled the first one, which would rightly serve the verified copy)
        Fixture lying = new Fixture(truncating, cache.resolve("lying"), VerificationMode.STREAM, 1 << 30, 1024);
        assertThatThrownBy(() -> lying.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()).body().readAllBytes())
                .isInstanceOf(IOException.class).hasCauseInstanceOf(IntegrityException.class);

        // a stored size that disagrees with the integrity metadata is stale metadata: retried, then a timeout
        byte[] shortBody = Arrays.copyOf(data, data.length - 1);
        memory.put(KEY, Payload.ofBytes(shortBody), PutOptions.of(Map.of(IntegrityMetadata.DIGEST, digest.toString(),
                IntegrityMetadata.SIZE, Integer.toString(data.length))));
        assertThatThrownBy(() -> fixture.store.open(KEY, Expectation.unknown(digest), Optional.empty()))
                .isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(fixture.count(ConsistencyEvent.Kind.STALE_METADATA)).isPositive();
    }

    @Test
    void putOfAPayloadThatDoesNotHashIsRefusedAndLeavesNothing() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture fixture = new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        Digest wrong = Fixture.sha256(new byte[] {9});

        assertThatThrownBy(() -> fixture.store.put(KEY, Expectation.of(wrong, data.length), Payload.ofBytes(data)))
                .isInstanceOf(IntegrityException.class);
        assertThat(memory.find(KEY, ReadOptions.FRESH)).isEmpty();
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isEqualTo(1);
    }

    @Test
    void putOfContentAlreadyStoredWritesNothing() throws Exception {
        CountingDriver counting = new CountingDriver(InMemoryDrivers.create());
        Fixture fixture = new Fixture(counting, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        StoredObject first = fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        StoredObject second = fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        assertThat(second.etag()).isEqualTo(first.etag());
        assertThat(counting.puts.get()).isEqualTo(1);
    }

    @Test
    void uploadContinuesInAnotherStoreFromItsState() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture first = new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        Upload upload = first.store.startUpload(Digest.Algorithm.SHA256);
        UploadState state = upload.append(Payload.ofBytes(Arrays.copyOfRange(data, 0, 40_000)));

        Fixture second = new Fixture(memory, cache.resolve("other"), VerificationMode.SPOOL, 1 << 30, 1024);
        Upload resumed = second.store.resumeUpload(state);
        resumed.append(Payload.ofBytes(Arrays.copyOfRange(data, 40_000, data.length)));
        assertThat(resumed.state().size()).isEqualTo(data.length);
        StoredObject stored = resumed.complete(KEY, digest);

        assertThat(stored.digest()).isEqualTo(digest);
        assertThat(readAll(second, Optional.empty())).isEqualTo(data);
        assertThat(memory.stat(KEY, ReadOptions.PLAIN).metadata(IntegrityMetadata.DIGEST)).contains(digest.toString());
    }

    @Test
    void uploadWithWrongDigestIsRefusedAndStoresNothing() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture fixture = new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        Upload upload = fixture.store.startUpload(Digest.Algorithm.SHA256);
        upload.append(Payload.ofBytes(data));
        assertThatThrownBy(() -> upload.complete(KEY, Fixture.sha256(new byte[] {1}))).isInstanceOf(IntegrityException.class);
        assertThat(memory.find(KEY, ReadOptions.FRESH)).isEmpty();
    }

    private void read(Fixture fixture, Optional<ByteRange> range) throws Exception {
        readAll(fixture, range);
    }

    private byte[] readAll(Fixture fixture, Optional<ByteRange> range) throws Exception {
        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), range)) {
            return content.body().readAllBytes();
        }
    }

    /** Counts the calls reaching the backend. */
    static final class CountingDriver extends ForwardingStorageDriver {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger puts = new AtomicInteger();

        CountingDriver(StorageDriver delegate) {
            super(delegate);
        }

        @Override
        public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
            calls.incrementAndGet();
            return super.stat(key, options);
        }

        @Override
        public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
            calls.incrementAndGet();
            return super.open(key, options);
        }

        @Override
        public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
            calls.incrementAndGet();
            puts.incrementAndGet();
            return super.put(key, payload, options);
        }
    }

    /**
     * A backend blip (a 500 on the upload marker, a 429 on the HEAD that resumes an upload, a
     * dropped part) is retried and counted instead of failing the push; a blip that outlasts the
     * consistency timeout fails as a timeout.
     */
    @Test
    void transientFailuresOfUploadCallsAreRetriedAndCounted() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger();
        StorageDriver blinking = new io.ironclad.driver.ForwardingStorageDriver(InMemoryDrivers.create()) {
            @Override
            public io.ironclad.driver.ObjectWriter newWriter() throws StorageException {
                blink("newWriter");
                return super.newWriter();
            }

            @Override
            public io.ironclad.driver.ObjectWriter resumeWriter(io.ironclad.driver.WriterState state) throws StorageException {
                blink("resumeWriter");
                return super.resumeWriter(state);
            }

            private void blink(String call) throws StorageException {
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new io.ironclad.driver.TransientStorageException("blinking", null, call + " answered HTTP 503");
                }
            }
        };
        Fixture fixture = new Fixture(blinking, cache, VerificationMode.SPOOL, 1 << 30, 1024);

        failuresLeft.set(2);
        Upload upload = fixture.store.startUpload(Digest.Algorithm.SHA256);
        UploadState state = upload.append(Payload.ofBytes(data));
        failuresLeft.set(3);
        Upload resumed = fixture.store.resumeUpload(state);
        resumed.complete(KEY, digest);

        assertThat(fixture.count(ConsistencyEvent.Kind.RETRY)).isEqualTo(5);
        assertThat(fixture.count(ConsistencyEvent.Kind.FRESHNESS_FETCH)).as("writes have no freshness variant").isZero();
        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(content.body().readAllBytes()).isEqualTo(data);
        }
        failuresLeft.set(Integer.MAX_VALUE);
        assertThatThrownBy(() -> fixture.store.startUpload(Digest.Algorithm.SHA256))
                .isInstanceOf(io.ironclad.driver.ConsistencyTimeoutException.class).hasMessageContaining("newWriter answered HTTP 503");
    }

    /** A part whose single-use bytes were already sent once is not retried until the timeout: the client must resend. */
    @Test
    void singleUsePayloadFailsAtOnceInsteadOfRetrying() throws Exception {
        StorageDriver failingOnce = new io.ironclad.driver.ForwardingStorageDriver(InMemoryDrivers.create()) {
            @Override
            public io.ironclad.driver.ObjectInfo put(ObjectKey key, Payload payload, io.ironclad.driver.PutOptions options)
                    throws StorageException {
                try (java.io.InputStream in = payload.open()) {
                    in.readAllBytes();
                    in.close();
                    payload.open();
                } catch (java.io.IOException e) {
                    throw new io.ironclad.driver.TransientStorageException("once", key, "sending failed: " + e.getMessage(), e);
                }
                throw new io.ironclad.driver.TransientStorageException("once", key, "connection reset");
            }
        };
        Fixture fixture = new Fixture(failingOnce, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();
        Payload singleUse = Payload.of(data.length, () -> {
            if (!opened.compareAndSet(false, true)) {
                throw new io.ironclad.driver.PayloadConsumedException("already sent");
            }
            return new java.io.ByteArrayInputStream(data);
        });

        assertThatThrownBy(() -> fixture.store.put(KEY, Expectation.of(digest, data.length), singleUse))
                .isInstanceOf(io.ironclad.driver.TransientStorageException.class).hasMessageContaining("already sent");
        assertThat(fixture.count(ConsistencyEvent.Kind.RETRY)).isZero();
        assertThat(fixture.clock.instant()).as("no backoff waited").isEqualTo(Fixture.START);
    }

    /** The content is stored already: parts that the backend will not delete are garbage, not a failed push. */
    @Test
    void aRedundantUploadCompletesWhenItsPartsCannotBeDeleted() throws Exception {
        StorageDriver undeletable = new io.ironclad.driver.ForwardingStorageDriver(InMemoryDrivers.create()) {
            @Override
            public io.ironclad.driver.ObjectWriter newWriter() throws StorageException {
                return new io.ironclad.driver.ForwardingObjectWriter(super.newWriter()) {
                    @Override
                    public void cancel() throws StorageException {
                        throw new io.ironclad.driver.TransientStorageException("undeletable", null, "DELETE segment answered HTTP 503");
                    }
                };
            }
        };
        Fixture fixture = new Fixture(undeletable, cache, VerificationMode.SPOOL, 1 << 30, 1024);
        StoredObject stored = fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        Upload redundant = fixture.store.startUpload(Digest.Algorithm.SHA256);
        redundant.append(Payload.ofBytes(data));

        assertThat(redundant.complete(KEY, digest).etag()).isEqualTo(stored.etag());
        assertThat(fixture.count(ConsistencyEvent.Kind.RETRY)).as("the cancel was retried first").isPositive();
        assertThat(fixture.count(ConsistencyEvent.Kind.TIMEOUT)).isEqualTo(1);
    }
}
