package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.Upload;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.faults.FaultKind;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConsistentStore over the fault-injecting wrapper over the real S3 driver on S3Proxy: writes go
 * to a real S3 server; the wrapper makes reads lag, miss, come back stale, truncated, bit-flipped
 * or with wrong metadata, and fail transiently. Backoff runs on a manual clock. Whatever is
 * injected, no read returns a complete body other than the one written, every read of a written
 * object succeeds within the consistency timeout (a refused stream is read again, as a registry
 * client would), and a known object that stays invisible times out, never reads as absent.
 */
class S3ConsistencyFaultTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ConsistencyPolicy POLICY = new ConsistencyPolicy(TIMEOUT, Duration.ofMillis(20), Duration.ofMillis(500), 0.5);
    private static final int MIB = 1024 * 1024;

    private static StorageDriver s3;

    private final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();
    private final String prefix = "faults/" + UUID.randomUUID() + "/";

    @TempDir
    Path cache;

    @BeforeAll
    static void connect() throws Exception {
        s3 = S3Drivers.create(S3ProxyServer.get().config("consistency").withPartSize(S3DriverConfig.MIN_PART_SIZE));
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    @Test
    void faultyReadsAreRetriedAndNeverServedCorruptInSpoolMode() throws Exception {
        readUnderFaults(VerificationMode.SPOOL, 11);
    }

    @Test
    void faultyReadsAreRetriedAndNeverServedCorruptInStreamMode() throws Exception {
        readUnderFaults(VerificationMode.STREAM, 22);
    }

    @Test
    void aKnownObjectInvisibleBeyondTheTimeoutTimesOutAndAnUnknownOneIsNotFound() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        FaultyDriver faulty = new FaultyDriver(s3, FaultPlan.none(33).withFreshReadsBypassLag(false), clock);
        ConsistentStore store = store(faulty, clock, VerificationMode.SPOOL);
        byte[] data = bytes(1000, 3);
        ObjectKey key = ObjectKey.of(prefix + "late");
        store.put(key, Expectation.of(sha256(data), data.length), Payload.ofBytes(data));
        faulty.delayVisibility(key, Duration.ofHours(1));
        Expectation known = Expectation.known(sha256(data), data.length);
        assertThatThrownBy(() -> store.open(key, known, Optional.empty())).isInstanceOf(ConsistencyTimeoutException.class);
        assertThatThrownBy(() -> store.stat(key, known)).isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(count(ConsistencyEvent.Kind.TIMEOUT)).isEqualTo(2);
        ObjectKey absent = ObjectKey.of(prefix + "never-written");
        assertThatThrownBy(() -> store.stat(absent, Expectation.unknown(sha256(data)))).isInstanceOf(ObjectNotFoundException.class);
        s3.delete(key);
    }

    /** An object whose bytes disagree with its integrity metadata, really stored in S3, is never delivered. */
    @Test
    void aCorruptObjectInTheBucketIsRefusedInBothModes() throws Exception {
        byte[] good = bytes(50_000, 4);
        byte[] bad = good.clone();
        bad[12_345] ^= 1;
        ObjectKey key = ObjectKey.of(prefix + "corrupt");
        Map<String, String> lie = Map.of("ironclad-digest", sha256(good).toString(), "ironclad-size", Integer.toString(good.length),
                "ironclad-written", "1700000000000");
        s3.put(key, Payload.ofBytes(bad), PutOptions.of(lie));
        Expectation known = Expectation.known(sha256(good), good.length);
        for (VerificationMode mode : VerificationMode.values()) {
            ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
            ConsistentStore store = store(new FaultyDriver(s3, FaultPlan.none(44), clock), clock, mode);
            try (VerifiedContent content = store.open(key, known, Optional.empty())) {
                byte[] read = content.body().readAllBytes();
                fail("%s mode delivered a complete body of %d bytes", mode, read.length);
            } catch (IOException refusedMidStream) {
                assertThat(refusedMidStream).as(mode.toString()).hasCauseInstanceOf(IntegrityException.class);
            } catch (ConsistencyTimeoutException refusedBeforeTheFirstByte) {
                assertThat(mode).isEqualTo(VerificationMode.SPOOL);
            }
        }
        assertThat(count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isPositive();
        s3.delete(key);
    }

    private void readUnderFaults(VerificationMode mode, long seed) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        FaultPlan plan = new FaultPlan(seed, 0.3, Duration.ofSeconds(3), true, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, Duration.ofMillis(20));
        FaultyDriver faulty = new FaultyDriver(s3, plan, clock);
        ConsistentStore store = store(faulty, clock, mode);
        Random random = new Random(seed);
        Map<ObjectKey, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            byte[] data = bytes(random.nextInt(64 * 1024), seed * 100 + i);
            ObjectKey key = ObjectKey.of(prefix + "small/" + i);
            store.put(key, Expectation.of(sha256(data), data.length), Payload.ofBytes(data));
            written.put(key, data);
        }
        byte[] large = bytes(6 * MIB + 17, seed);
        ObjectKey multipart = ObjectKey.of(prefix + "multipart-put");
        store.put(multipart, Expectation.of(sha256(large), large.length), Payload.ofBytes(large));
        written.put(multipart, large);
        ObjectKey uploaded = ObjectKey.of(prefix + "chunked-upload");
        written.put(uploaded, upload(store, uploaded, large));

        int reads = 0;
        for (int round = 0; round < 10; round++) {
            for (Map.Entry<ObjectKey, byte[]> entry : written.entrySet()) {
                byte[] data = entry.getValue();
                Optional<ByteRange> range = random.nextInt(4) == 0 && data.length > 0
                        ? Optional.of(ByteRange.ofLength(random.nextInt(data.length), 1 + random.nextInt(4_000))) : Optional.empty();
                readUntilVerified(store, entry.getKey(), data, range);
                reads++;
            }
        }
        System.out.printf("S3 %s: %d reads, faults %s, %d retries, %d freshness fetches, %d integrity refusals%n", mode, reads,
                faulty.counts(), count(ConsistencyEvent.Kind.RETRY), count(ConsistencyEvent.Kind.FRESHNESS_FETCH),
                count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL));
        assertThat(faulty.counts().harmful()).as("faults injected").isPositive();
        assertThat(faulty.counts().get(FaultKind.LAG_MISS) + faulty.counts().get(FaultKind.STALE_VERSION)
                + faulty.counts().get(FaultKind.MISSING)).as("missing and stale reads injected").isPositive();
        assertThat(count(ConsistencyEvent.Kind.RETRY)).as("retries").isPositive();
        assertThat(count(ConsistencyEvent.Kind.FRESHNESS_FETCH)).as("freshness fetches").isPositive();
        assertThat(count(ConsistencyEvent.Kind.TIMEOUT)).isZero();
        for (ObjectKey key : written.keySet()) {
            s3.delete(key);
        }
    }

    /** A chunked upload of a 5 MiB part and the rest, continued from its persisted state as another process would. */
    private byte[] upload(ConsistentStore store, ObjectKey key, byte[] data) throws Exception {
        Upload upload = store.startUpload(Digest.Algorithm.SHA256);
        int cut = 5 * MIB;
        upload.append(Payload.ofBytes(Arrays.copyOfRange(data, 0, cut)));
        Upload resumed = store.resumeUpload(upload.state());
        resumed.append(Payload.ofBytes(Arrays.copyOfRange(data, cut, data.length)));
        assertThat(resumed.complete(key, sha256(data)).digest()).isEqualTo(sha256(data));
        return data;
    }

    /** Reads like a registry client: a stream refused before its last byte is read again. */
    private static void readUntilVerified(ConsistentStore store, ObjectKey key, byte[] data, Optional<ByteRange> range) throws Exception {
        Expectation expected = Expectation.known(sha256(data), data.length);
        for (int refused = 0; refused < 20; refused++) {
            byte[] body;
            try (VerifiedContent content = store.open(key, expected, range)) {
                body = content.body().readAllBytes();
            } catch (IOException e) {
                assertThat(e).hasCauseInstanceOf(IntegrityException.class);
                continue;
            }
            byte[] wanted = range.map(r -> r.clamp(data.length))
                    .map(r -> Arrays.copyOfRange(data, (int) r.first(), (int) r.last() + 1)).orElse(data);
            assertThat(body).as("complete body of %s %s", key, range).isEqualTo(wanted);
            return;
        }
        fail("20 refused streams in a row for %s", key);
    }

    private ConsistentStore store(StorageDriver driver, ManualClock clock, VerificationMode mode) {
        // a verified cache of 0 bytes evicts every file at once, so each read goes to the store and meets the faults
        ConsistentStoreConfig config = new ConsistentStoreConfig(POLICY, mode, cache.resolve(mode + "-" + UUID.randomUUID()),
                0, 16 * 1024);
        // not closed: closing a store closes the shared S3 driver, which the class closes at the end
        return ConsistentStores.create(driver, config, List.of(events::add), new SimpleMeterRegistry(), clock, clock::advance,
                new SplittableRandom(7));
    }

    private long count(ConsistencyEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Digest sha256(byte[] data) {
        try {
            return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
