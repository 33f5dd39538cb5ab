package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk (one PATCH body, or a monolithic PUT) larger than the driver's part size is cut into
 * parts as it streams, read from the client exactly once, and a transient failure of one part
 * resends that part from its spool.
 */
class LargeChunkTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/bb/large");
    /** Over {@link ReplayablePart#IN_MEMORY_BYTES}, so the parts are spooled to files. */
    private static final int PART = (3 << 20) / 2;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Fixture.START);
    private final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void aTenPartBodyInOneChunkBecomesTenPartsOfThePartSizeWithTheRightHash() throws Exception {
        byte[] data = Fixture.bytes(10 * PART, 1);
        ClientBody body = new ClientBody(data);
        ConsistentStore store = store(withPartSize(InMemoryDrivers.create(), 1, PART));

        Upload upload = store.startUpload(Digest.Algorithm.SHA256);
        UploadState state = upload.append(body.payload());

        assertThat(state.writer().parts()).hasSize(10).extracting(PartInfo::size).containsOnly((long) PART);
        assertThat(state.size()).isEqualTo(data.length);
        StoredObject stored = store.resumeUpload(state).complete(KEY, Fixture.sha256(data));
        assertThat(stored.digest()).isEqualTo(Fixture.sha256(data));
        assertThat(readBack(store, data)).isEqualTo(data);
        assertThat(body.bytesRead()).as("the client's body is read once").isEqualTo(data.length);
        assertThat(spoolFiles()).as("every spool file removed").isEmpty();
    }

    /** Part 4 is sent whole twice and lost both times; only it is resent, from its spool file. */
    @Test
    void aTransientFailureOnOnePartResendsOnlyThatPartWithoutRereadingTheClient() throws Exception {
        byte[] data = Fixture.bytes(10 * PART, 2);
        ClientBody body = new ClientBody(data);
        FaultyDriver faulty = new FaultyDriver(withPartSize(InMemoryDrivers.create(), 1, PART), FaultPlan.none(3), clock);
        faulty.failPartAfterSending(4, 2);
        ConsistentStore store = store(faulty);

        Upload upload = store.startUpload(Digest.Algorithm.SHA256);
        UploadState state = upload.append(body.payload());
        upload.complete(KEY, Fixture.sha256(data));

        assertThat(state.writer().parts()).hasSize(10);
        assertThat(body.bytesRead()).isEqualTo(data.length);
        assertThat(body.opens()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e.kind() == ConsistencyEvent.Kind.RETRY).hasSize(2)
                .allMatch(e -> e.detail().contains("part 4"));
        assertThat(readBack(store, data)).isEqualTo(data);
        assertThat(spoolFiles()).isEmpty();
    }

    /** A part that keeps failing fails the chunk; the parts stored before it are in the state, hash included. */
    @Test
    void aChunkThatFailsPartWayLeavesTheStoredPartsInTheState() throws Exception {
        byte[] data = Fixture.bytes(6 * PART, 4);
        FaultyDriver faulty = new FaultyDriver(withPartSize(InMemoryDrivers.create(), 1, PART), FaultPlan.none(5), clock);
        faulty.failPartAfterSending(4, Integer.MAX_VALUE);
        ConsistentStore store = store(faulty);
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);

        assertThatThrownBy(() -> upload.append(new ClientBody(data).payload())).isInstanceOf(ConsistencyTimeoutException.class);

        UploadState state = upload.state();
        assertThat(state.writer().parts()).hasSize(3);
        assertThat(state.size()).isEqualTo(3L * PART);
        faulty.failPartAfterSending(4, 0);
        Upload resumed = store.resumeUpload(state);
        resumed.append(Payload.ofBytes(java.util.Arrays.copyOfRange(data, 3 * PART, data.length)));
        resumed.complete(KEY, Fixture.sha256(data));
        assertThat(readBack(store, data)).isEqualTo(data);
        assertThat(spoolFiles()).isEmpty();
    }

    /** A spooled request body that is one part reaches the filesystem driver as its file, without a part spool. */
    @Test
    void aSpooledBodyOfOnePartGoesToTheFilesystemStoreWithoutAPartSpool() throws Exception {
        byte[] data = Fixture.bytes(2 * PART, 8);
        Path body = Files.write(dir.resolve("body.tmp"), data);
        ConsistentStore store = store(FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store"))));
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);

        UploadState state = upload.append(Payload.ofImmutableFile(body));

        assertThat(state.writer().parts()).hasSize(1);
        assertThat(Files.exists(dir.resolve("spool"))).as("no spool copy of the part").isFalse();
        Files.delete(body);
        store.resumeUpload(state).complete(KEY, Fixture.sha256(data));
        assertThat(readBack(store, data)).isEqualTo(data);
    }

    /** Its hash is taken from the file once; a part lost after sending is sent again from the file. */
    @Test
    void aSpooledBodyIsResentFromItsFileAfterATransientFailure() throws Exception {
        byte[] data = Fixture.bytes(2 * PART, 9);
        Path body = Files.write(dir.resolve("body.tmp"), data);
        FaultyDriver faulty = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(9), clock);
        faulty.failPartAfterSending(1, 2);
        ConsistentStore store = store(faulty);
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);

        UploadState state = upload.append(Payload.ofImmutableFile(body));

        assertThat(events).filteredOn(e -> e.kind() == ConsistencyEvent.Kind.RETRY).hasSize(2);
        assertThat(state.size()).isEqualTo(data.length);
        store.resumeUpload(state).complete(KEY, Fixture.sha256(data));
        assertThat(readBack(store, data)).isEqualTo(data);
    }

    /**
     * A spooled body of several parts keeps no part spool: each part lost after sending is read
     * again from the body's own file, at its offset, and the object still hashes right.
     */
    @Test
    void aSpooledBodyOfSeveralPartsIsResentFromItsFileWithoutPartSpools() throws Exception {
        byte[] data = Fixture.bytes(4 * PART + 1000, 10);
        Path body = Files.write(dir.resolve("body.tmp"), data);
        FaultyDriver faulty = new FaultyDriver(withPartSize(InMemoryDrivers.create(), 1, PART), FaultPlan.none(10), clock);
        faulty.failPartAfterSending(3, 2);
        ConsistentStore store = store(faulty);
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);

        UploadState state = upload.append(Payload.ofImmutableFile(body));

        assertThat(state.writer().parts()).extracting(PartInfo::size).containsExactly((long) PART, (long) PART, (long) PART,
                (long) PART, 1000L);
        assertThat(events).filteredOn(e -> e.kind() == ConsistencyEvent.Kind.RETRY).hasSize(2)
                .allMatch(e -> e.detail().contains("part 3"));
        assertThat(Files.exists(dir.resolve("spool"))).as("no spool copy of any part").isFalse();
        store.resumeUpload(state).complete(KEY, Fixture.sha256(data));
        assertThat(readBack(store, data)).isEqualTo(data);
    }

    /** The client going away is final: no retries until the timeout, and the parts before it stay recorded. */
    @Test
    void aClientBodyThatBreaksFailsAtOnceAfterThePartsItDelivered() throws Exception {
        byte[] data = Fixture.bytes(5 * PART, 6);
        ConsistentStore store = store(withPartSize(InMemoryDrivers.create(), 1, PART));
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);
        ClientBody body = new ClientBody(data).breakingAt(2 * PART + 1000);

        assertThatThrownBy(() -> upload.append(body.payload()))
                .isInstanceOf(StorageException.class).hasMessageContaining("reading the chunk failed in part 3")
                .hasMessageContaining("client disconnected");

        assertThat(events).noneMatch(e -> e.kind() == ConsistencyEvent.Kind.RETRY);
        assertThat(clock.instant()).as("no backoff waited").isEqualTo(Fixture.START);
        assertThat(upload.state().writer().parts()).hasSize(2);
        assertThat(spoolFiles()).isEmpty();
    }

    /** A monolithic put above the part size goes as parts too, so a single-use body survives a lost part. */
    @Test
    void aMonolithicPutAboveThePartSizeIsStoredAsPartsOnTheFilesystemDriver() throws Exception {
        byte[] data = Fixture.bytes(7 * PART + 12345, 7);
        Digest digest = Fixture.sha256(data);
        StorageDriver filesystem = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        FaultyDriver faulty = new FaultyDriver(withPartSize(filesystem, 1, PART), FaultPlan.none(8), clock);
        faulty.failPartAfterSending(6, 1);
        ConsistentStore store = store(faulty);
        ClientBody body = new ClientBody(data);

        StoredObject stored = store.put(KEY, Expectation.of(digest, data.length), body.payload());

        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(body.opens()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e.kind() == ConsistencyEvent.Kind.RETRY).hasSize(1);
        assertThat(readBack(store, data)).isEqualTo(data);
        assertThat(spoolFiles()).isEmpty();
    }

    /**
     * The key and metadata of a monolithic put are known before its first part, so its writer is
     * started at the key with the integrity metadata (S3 then completes there without a staging
     * copy); a body that does not hash to its digest is cancelled before any commit.
     */
    @Test
    void aMonolithicPutAboveThePartSizeStartsItsWriterAtTheKeyAndCommitsOnlyAVerifiedBody() throws Exception {
        byte[] data = Fixture.bytes(3 * PART + 17, 8);
        Digest digest = Fixture.sha256(data);
        List<String> calls = new CopyOnWriteArrayList<>();
        StorageDriver recording = recordingWriters(withPartSize(InMemoryDrivers.create(), 1, PART), calls);
        ConsistentStore store = store(recording);

        StoredObject stored = store.put(KEY, Expectation.of(digest, data.length), new ClientBody(data).payload());

        assertThat(calls).containsExactly("start at " + KEY.value() + " for " + digest + " over " + data.length, "commit " + KEY.value());
        assertThat(stored.digest()).isEqualTo(digest);
        assertThat(readBack(store, data)).isEqualTo(data);

        calls.clear();
        byte[] other = Fixture.bytes(3 * PART + 17, 9);
        ObjectKey wrong = ObjectKey.of("blobs/sha256/bb/wrong");
        assertThatThrownBy(() -> store.put(wrong, Expectation.of(digest, other.length), new ClientBody(other).payload()))
                .isInstanceOf(io.ironclad.driver.IntegrityException.class);
        assertThat(calls).containsExactly("start at " + wrong.value() + " for " + digest + " over " + other.length, "cancel");
        assertThat(recording.find(wrong, io.ironclad.driver.ReadOptions.FRESH)).isEmpty();
    }

    /** Records which writers are started where (with the digest and size their metadata names), and their commits and cancels. */
    private static StorageDriver recordingWriters(StorageDriver driver, List<String> calls) {
        return new ForwardingStorageDriver(driver) {
            @Override
            public io.ironclad.driver.ObjectWriter newWriter(ObjectKey target, io.ironclad.driver.PutOptions options) throws StorageException {
                calls.add("start at " + target.value() + " for " + options.userMetadata().get(IntegrityMetadata.DIGEST)
                        + " over " + options.userMetadata().get(IntegrityMetadata.SIZE));
                return new io.ironclad.driver.ForwardingObjectWriter(super.newWriter(target, options)) {
                    @Override
                    public io.ironclad.driver.ObjectInfo commit(ObjectKey key, io.ironclad.driver.PutOptions commitOptions) throws StorageException {
                        calls.add("commit " + key.value());
                        return super.commit(key, commitOptions);
                    }

                    @Override
                    public void cancel() throws StorageException {
                        calls.add("cancel");
                        super.cancel();
                    }
                };
            }
        };
    }

    /** With a minimum part size, a chunk's last part is never below it when the chunk is not: the next chunk may follow. */
    @Test
    void cutPointsKeepEveryPartWithinTheLimitsAndTheLastPartAboveTheMinimum() {
        Capabilities s3Like = new Capabilities(java.util.Set.of(), 5 << 20, 5L << 30, 8 << 20);
        assertThat(cuts(21 << 20, s3Like)).containsExactly(8L << 20, 8L << 20, 5L << 20);   // a 5 MiB rest may be a part...
        assertThat(cuts(20 << 20, s3Like)).containsExactly(8L << 20, 12L << 20);            // ...a 4 MiB rest joins the last one
        assertThat(cuts(24 << 20, s3Like)).containsExactly(8L << 20, 8L << 20, 8L << 20);
        assertThat(cuts(3 << 20, s3Like)).containsExactly(3L << 20);                 // a short final chunk is one part
        Capabilities atTheLimit = s3Like.withPartSize(5L << 30);
        assertThat(cuts((5L << 30) + (4 << 20), atTheLimit)).allMatch(size -> size <= atTheLimit.maxPartSize());
        Capabilities swiftLike = new Capabilities(java.util.Set.of(), 1, 5L << 30, 5 << 20);
        assertThat(cuts((200 << 20) + 1, swiftLike)).hasSize(41).last().isEqualTo(1L);

        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 1000; i++) {
            long chunk = s3Like.minPartSize() + random.nextLong(200L << 20);
            List<Long> parts = cuts(chunk, s3Like);
            assertThat(parts.stream().mapToLong(Long::longValue).sum()).isEqualTo(chunk);
            assertThat(parts).allMatch(size -> size >= s3Like.minPartSize() && size < s3Like.partSize() + s3Like.minPartSize());
        }
    }

    private static List<Long> cuts(long chunk, Capabilities capabilities) {
        List<Long> parts = new ArrayList<>();
        for (long remaining = chunk; remaining > 0; ) {
            long part = ChunkParts.nextPartSize(remaining, capabilities);
            parts.add(part);
            remaining -= part;
        }
        return parts;
    }

    private ConsistentStore store(StorageDriver driver) {
        ConsistentStoreConfig config = new ConsistentStoreConfig(Fixture.POLICY, VerificationMode.STREAM, dir.resolve("cache"),
                1 << 30, 1024).withSpoolDirectory(dir.resolve("spool"));
        return ConsistentStores.create(driver, config, List.of(events::add), new SimpleMeterRegistry(), clock, clock::advance,
                new SplittableRandom(7));
    }

    private static StorageDriver withPartSize(StorageDriver driver, long min, long partSize) {
        Capabilities capabilities = driver.capabilities().withPartSizes(min, driver.capabilities().maxPartSize()).withPartSize(partSize);
        return new ForwardingStorageDriver(driver) {
            @Override
            public Capabilities capabilities() {
                return capabilities;
            }
        };
    }

    private static byte[] readBack(ConsistentStore store, byte[] data) throws Exception {
        try (VerifiedContent content = store.open(KEY, Expectation.known(Fixture.sha256(data), data.length), Optional.empty())) {
            return content.body().readAllBytes();
        }
    }

    private List<Path> spoolFiles() throws IOException {
        Path spool = dir.resolve("spool");
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        }
    }

    /** A client's request body: readable once (a second open fails as the sidecar's does), counting what was read. */
    private static final class ClientBody {
        private final byte[] data;
        private final AtomicInteger opens = new AtomicInteger();
        private final AtomicLong read = new AtomicLong();
        private long breakAt = Long.MAX_VALUE;

        ClientBody(byte[] data) {
            this.data = data;
        }

        ClientBody breakingAt(long offset) {
            breakAt = offset;
            return this;
        }

        Payload payload() {
            return Payload.of(data.length, () -> {
                if (opens.incrementAndGet() > 1) {
                    throw new PayloadConsumedException("request body cannot be replayed");
                }
                return new FilterInputStream(new ByteArrayInputStream(data)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read.get() >= breakAt) {
                            throw new IOException("client disconnected");
                        }
                        int n = super.read(b, off, (int) Math.min(len, breakAt - read.get()));
                        if (n > 0) {
                            read.addAndGet(n);
                        }
                        return n;
                    }
                };
            });
        }

        long bytesRead() {
            return read.get();
        }

        int opens() {
            return opens.get();
        }
    }
}
