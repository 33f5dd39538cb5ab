package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.Upload;
import io.ironclad.consistency.UploadState;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.StorageDriver;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunks larger than the S3 part size (5 MiB here, S3's minimum) on a real S3 server: one chunk
 * becomes several multipart parts, each at least the minimum, so a further chunk may follow and
 * the server assembles the upload; a monolithic put above the part size survives a lost part
 * although its body can be read only once.
 */
abstract class LargeChunkContract {

    private static final int MIB = 1 << 20;
    private static final ConsistencyPolicy POLICY = new ConsistencyPolicy(Duration.ofSeconds(10), Duration.ofMillis(20),
            Duration.ofMillis(500), 0.5);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();
    private final String prefix = "large/" + UUID.randomUUID() + "/";

    @TempDir
    Path dir;

    /** The S3 driver under test, with a part size of {@link S3DriverConfig#MIN_PART_SIZE}; the subclass closes it. */
    protected abstract StorageDriver driver();

    @Test
    void aChunkOfSeveralPartsIsFollowedByAShortLastChunkAndAssembles() throws Exception {
        byte[] data = bytes(35 * MIB, 1);
        int firstChunk = 33 * MIB;
        ConsistentStore store = store(driver());
        ObjectKey key = ObjectKey.of(prefix + "chunked");

        Upload upload = store.startUpload(Digest.Algorithm.SHA256);
        UploadState state = upload.append(singleUse(Arrays.copyOfRange(data, 0, firstChunk)));
        assertThat(state.writer().parts()).extracting(PartInfo::size)
                .containsExactly(5L * MIB, 5L * MIB, 5L * MIB, 5L * MIB, 5L * MIB, 8L * MIB);
        Upload resumed = store.resumeUpload(state);
        resumed.append(Payload.ofBytes(Arrays.copyOfRange(data, firstChunk, data.length)));
        resumed.complete(key, sha256(data));

        assertThat(readBack(store, key, data)).isEqualTo(data);
    }

    @Test
    void aMonolithicPutAboveThePartSizeSurvivesALostPart() throws Exception {
        byte[] data = bytes(23 * MIB + 4321, 2);
        FaultyDriver faulty = new FaultyDriver(driver(), FaultPlan.none(3), clock);
        faulty.failPartAfterSending(3, 1);
        ConsistentStore store = store(faulty);
        ObjectKey key = ObjectKey.of(prefix + "monolithic");

        store.put(key, Expectation.of(sha256(data), data.length), singleUse(data));

        assertThat(events).filteredOn(e -> e.kind() == ConsistencyEvent.Kind.RETRY).hasSize(1);
        assertThat(readBack(store, key, data)).isEqualTo(data);
    }

    private ConsistentStore store(StorageDriver driver) {
        ConsistentStoreConfig config = new ConsistentStoreConfig(POLICY, VerificationMode.STREAM, dir.resolve("cache"), 0, 16 * 1024)
                .withSpoolDirectory(dir.resolve("spool"));
        // not closed: closing a store closes the shared S3 driver, which the subclass closes at the end
        return ConsistentStores.create(driver, config, List.of(events::add), new SimpleMeterRegistry(), clock, clock::advance,
                new SplittableRandom(7));
    }

    private static Payload singleUse(byte[] data) {
        AtomicBoolean opened = new AtomicBoolean();
        return Payload.of(data.length, () -> {
            if (!opened.compareAndSet(false, true)) {
                throw new PayloadConsumedException("request body cannot be replayed");
            }
            return new ByteArrayInputStream(data);
        });
    }

    private static byte[] readBack(ConsistentStore store, ObjectKey key, byte[] data) throws Exception {
        try (VerifiedContent content = store.open(key, Expectation.known(sha256(data), data.length), Optional.empty())) {
            return content.body().readAllBytes();
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Digest sha256(byte[] data) throws Exception {
        return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(data));
    }
}
