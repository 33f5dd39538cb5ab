package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One driver over a two-zone RGW ({@code ops/ceph/rgw.sh} multisite) as a registry in the second
 * site would use it: {@code endpoint} is zone 2 (plain reads), {@code freshnessEndpoint} zone 1, the
 * master (writes, listings, fresh reads). A bucket zone 2 has not seen yet reads as not found,
 * not as misconfiguration; with the bucket's replication paused zone 2 serves the old version,
 * and both fresh reads and a conditional GET on the expected ETag see through it. (How
 * ConsistentStore uses that is {@link RgwMultisiteConsistencyTest}.)
 */
@Tag("integration")
class RgwMultisiteFreshnessTest {

    private static final Duration REPLICATION = Duration.ofSeconds(60);

    @Test
    void freshReadsAndIfMatchSeeThroughAPausedReplica() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_Z2_ENDPOINT");
        String bucket = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        S3DriverConfig config = S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT")), bucket,
                        rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION"))
                .withFreshnessEndpoint(Optional.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT"))))
                .withCreateBucket(true);
        try (StorageDriver driver = S3Drivers.create(config)) {
            assertThat(driver.capabilities().has(Capability.FRESHNESS_READ)).isTrue();
            assertThat(driver.capabilities().has(Capability.READ_AFTER_WRITE)).isFalse();
            ObjectKey key = ObjectKey.of("blobs/layer");
            ObjectInfo first = driver.put(key, Payload.ofBytes(bytes("first")), PutOptions.DEFAULT);
            int waits = Await.until("zone 2 has the bucket and " + key, REPLICATION, () -> "first".equals(readPlain(driver, key)));
            System.out.printf("[rgw multisite] zone 2 served a new bucket's first object after %d waits%n", waits);

            rgw.control("pause-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
            try {
                ObjectInfo second = driver.put(key, Payload.ofBytes(bytes("second")), PutOptions.DEFAULT);
                ObjectKey added = ObjectKey.of("blobs/added");
                driver.put(added, Payload.ofBytes(bytes("new")), PutOptions.DEFAULT);

                assertThat(readPlain(driver, key)).as("zone 2 behind").isEqualTo("first");
                assertThatThrownBy(() -> driver.stat(added, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
                assertThat(read(driver, key, ReadOptions.FRESH)).isEqualTo("second");
                assertThat(driver.stat(added, ReadOptions.FRESH).size()).isEqualTo(3);
                assertThat(driver.list(ListRequest.prefix("blobs/")).entries()).as("listings from zone 1").hasSize(2);
                assertThatThrownBy(() -> driver.open(key, ReadOptions.PLAIN.withIfMatch(second.etag())))
                        .as("a conditional GET on the expected ETag refuses the stale copy")
                        .isInstanceOf(PreconditionFailedException.class);
                assertThat(driver.stat(key, ReadOptions.PLAIN.withIfMatch(first.etag())).etag()).isEqualTo(first.etag());
                driver.delete(key);
                driver.delete(added);
            } finally {
                rgw.control("resume-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
            }
        }
    }

    private static String readPlain(StorageDriver driver, ObjectKey key) {
        try {
            return read(driver, key, ReadOptions.PLAIN);
        } catch (ObjectNotFoundException e) {
            return "";
        } catch (StorageException | IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String read(StorageDriver driver, ObjectKey key, ReadOptions options) throws StorageException, IOException {
        try (ObjectContent content = driver.open(key, options)) {
            return new String(content.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
