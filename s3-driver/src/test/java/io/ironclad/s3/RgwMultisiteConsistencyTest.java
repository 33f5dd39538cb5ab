package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real cross-zone replication lag on an RGW multisite pair ({@code ops/ceph/rgw.sh}): zone z1 is
 * the master, z2 a secondary that replicates asynchronously; replication of the test bucket is
 * paused so z2 is deterministically behind. Writes go through z1; reads through z2.
 */
@Tag("integration")
class RgwMultisiteConsistencyTest {

    private static final Duration SYNC_DEADLINE = Duration.ofSeconds(60);

    private static OpsService rgw;
    private static String bucket;
    private static StorageDriver zoneOne;
    private static StorageDriver zoneTwo;

    @TempDir
    Path temp;

    private final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void zones() throws Exception {
        rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        bucket = "zones-" + UUID.randomUUID().toString().substring(0, 8);
        zoneOne = S3Drivers.create(config(rgw.setting("IRONCLAD_S3_ENDPOINT")).withCreateBucket(true));
        // the bucket itself reaches z2 by metadata sync
        int waits = Await.until("bucket " + bucket + " visible in z2", SYNC_DEADLINE, RgwMultisiteConsistencyTest::bucketInZoneTwo);
        System.out.printf("[rgw multisite] bucket reached z2 after %d waits%n", waits);
        zoneTwo = S3Drivers.create(config(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT")));
    }

    @AfterAll
    static void close() {
        if (zoneTwo != null) {
            zoneTwo.close();
        }
        if (zoneOne != null) {
            zoneOne.close();
        }
    }

    @Test
    void measuresCrossZoneLagWithReplicationRunning() throws Exception {
        ObjectKey key = ObjectKey.of("lag/" + UUID.randomUUID());
        zoneOne.put(key, Payload.ofBytes(bytes("fresh")), PutOptions.DEFAULT);
        long started = System.nanoTime();
        int waits = Await.until(key + " visible in z2", SYNC_DEADLINE, () -> visible(zoneTwo, key));
        System.out.printf("[rgw multisite] new object visible in z2 after %d ms (%d waits)%n",
                (System.nanoTime() - started) / 1_000_000, waits);
    }

    @Test
    void pausedReplicationIsReadFreshThroughTheMasterZone() throws Exception {
        ObjectKey stale = ObjectKey.of("paused/" + UUID.randomUUID());
        zoneOne.put(stale, Payload.ofBytes(bytes("v1")), PutOptions.DEFAULT);
        Await.until(stale + " visible in z2", SYNC_DEADLINE, () -> visible(zoneTwo, stale));
        pause();
        try {
            zoneOne.put(stale, Payload.ofBytes(bytes("v2")), PutOptions.DEFAULT);
            byte[] layer = bytes("layer " + UUID.randomUUID());
            ObjectKey key = ObjectKey.of("blobs/" + sha256(layer).hex());
            try (ConsistentStore writer = store(zoneOne, ConsistencyPolicy.DEFAULT)) {
                writer.put(key, Expectation.known(sha256(layer), layer.length), Payload.ofBytes(layer));
            }

            assertThat(read(zoneTwo, stale)).as("plain read of z2 after an overwrite in z1").isEqualTo("v1");
            assertThatThrownBy(() -> zoneTwo.stat(key, ReadOptions.PLAIN)).as("plain read of z2 of a new object")
                    .isInstanceOf(ObjectNotFoundException.class);

            try (StorageDriver fresh = S3Drivers.create(config(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT"))
                            .withFreshnessEndpoint(Optional.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT")))));
                    ConsistentStore reader = store(fresh, ConsistencyPolicy.DEFAULT);
                    VerifiedContent content = reader.open(key, Expectation.known(sha256(layer), layer.length), Optional.empty())) {
                assertThat(content.body().readAllBytes()).isEqualTo(layer);
            }
            long freshness = events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.FRESHNESS_FETCH).count();
            System.out.printf("[rgw multisite] replication paused: a read through z2 needed %d freshness fetches from z1%n", freshness);
            assertThat(freshness).isPositive();

            ConsistencyPolicy brief = new ConsistencyPolicy(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(500), 0.5);
            try (StorageDriver plain = S3Drivers.create(config(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT")));
                    ConsistentStore blind = store(plain, brief)) {
                assertThatThrownBy(() -> blind.open(key, Expectation.known(sha256(layer), layer.length), Optional.empty()))
                        .as("no freshness endpoint: a known key missing in z2 times out, never not-found")
                        .isInstanceOf(ConsistencyTimeoutException.class);
            }
        } finally {
            resume();
        }
        long started = System.nanoTime();
        int waits = Await.until(stale + " caught up in z2", SYNC_DEADLINE, () -> "v2".equals(readQuietly(zoneTwo, stale)));
        System.out.printf("[rgw multisite] after resume-sync z2 caught up in %d ms (%d waits)%n", (System.nanoTime() - started) / 1_000_000, waits);
    }

    private ConsistentStore store(StorageDriver driver, ConsistencyPolicy policy) throws IOException {
        Path cache = Files.createTempDirectory(temp, "cache");
        ConsistentStoreConfig config = new ConsistentStoreConfig(policy, VerificationMode.SPOOL, cache,
                ConsistentStoreConfig.DEFAULT_CACHE_MAX_BYTES, ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES);
        return ConsistentStores.create(new Unclosable(driver), config, List.of(events::add), new SimpleMeterRegistry());
    }

    private static S3DriverConfig config(String endpoint) {
        return S3DriverConfig.of(URI.create(endpoint), bucket, rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION"));
    }

    private static boolean bucketInZoneTwo() {
        try (StorageDriver probe = S3Drivers.create(config(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT")))) {
            probe.list(io.ironclad.driver.ListRequest.prefix(""));
            return true;
        } catch (StorageException | RuntimeException notYet) {
            return false;
        }
    }

    private static void pause() {
        rgw.control("pause-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
    }

    private static void resume() {
        rgw.control("resume-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
    }

    private static boolean visible(StorageDriver driver, ObjectKey key) {
        try {
            driver.stat(key, ReadOptions.PLAIN);
            return true;
        } catch (StorageException e) {
            return false;
        }
    }

    private static String read(StorageDriver driver, ObjectKey key) throws Exception {
        try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
            return new String(content.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String readQuietly(StorageDriver driver, ObjectKey key) {
        try {
            return read(driver, key);
        } catch (Exception e) {
            return null;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Digest sha256(byte[] data) {
        try {
            return Digest.parse("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets a test-wide driver sit under stores that close their driver. */
    private static final class Unclosable extends io.ironclad.driver.ForwardingStorageDriver {
        Unclosable(StorageDriver delegate) {
            super(delegate);
        }

        @Override
        public void close() {
        }
    }
}
