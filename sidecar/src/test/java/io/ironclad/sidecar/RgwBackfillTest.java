package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.IntegrityMetadata;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3Drivers;
import io.ironclad.testsupport.OpsService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * backfill over S3 against the real Ceph RGW (zone z1): legacy objects in docker-registry's S3
 * layout, one multipart, one corrupt, get their integrity metadata by copy-in-place; metadata the
 * objects already had is kept, the corrupt one is refused and left as it was.
 */
@Tag("integration")
class RgwBackfillTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void backfillStampsVerifiedObjectsInPlaceOnRgw() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        String bucket = "ops-backfill-" + UUID.randomUUID();
        S3DriverConfig config = S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT")), bucket,
                rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION")).withCreateBucket(true).withPartSize(5 * MIB);
        Random random = new Random(11);
        List<ObjectKey> keys = new ArrayList<>();
        try (StorageDriver legacy = S3Drivers.create(config)) {
            for (long size : new long[] {100, 40_000, 6 * MIB}) {
                byte[] bytes = new byte[(int) size];
                random.nextBytes(bytes);
                ObjectKey key = key(Digests.sha256(bytes));
                legacy.put(key, Payload.ofBytes(bytes), PutOptions.of(Map.of("owner", "registry")));
                keys.add(key);
            }
            byte[] claimed = new byte[2000];
            random.nextBytes(claimed);
            ObjectKey corrupt = key(Digests.sha256(claimed));
            legacy.put(corrupt, Payload.ofBytes(new byte[2000]), PutOptions.DEFAULT);

            String[] store = {"--driver", "s3", "--bucket", bucket,
                "--set", "ironclad.driver.s3.endpoint=" + rgw.setting("IRONCLAD_S3_ENDPOINT"),
                "--set", "ironclad.driver.s3.region=" + rgw.setting("IRONCLAD_S3_REGION"),
                "--set", "ironclad.driver.s3.access-key=" + rgw.setting("IRONCLAD_S3_ACCESS_KEY"),
                "--set", "ironclad.driver.s3.secret-key=" + rgw.setting("IRONCLAD_S3_SECRET_KEY")};
            DockerRegistryStoreOpsTest.Run backfill = DockerRegistryStoreOpsTest.run("backfill", store);
            assertThat(backfill.exitCode()).as(backfill.err()).isEqualTo(1);
            assertThat(backfill.count("backfilled")).isEqualTo(3);
            assertThat(backfill.count("corrupt")).isEqualTo(1);

            for (ObjectKey key : keys) {
                ObjectInfo info = legacy.stat(key, ReadOptions.FRESH);
                assertThat(info.userMetadata()).containsEntry("owner", "registry")
                        .containsEntry(IntegrityMetadata.SIZE, Long.toString(info.size()))
                        .containsKey(IntegrityMetadata.DIGEST);
            }
            assertThat(legacy.stat(corrupt, ReadOptions.FRESH).userMetadata()).doesNotContainKey(IntegrityMetadata.DIGEST);

            DockerRegistryStoreOpsTest.Run verify = DockerRegistryStoreOpsTest.run("verify", store);
            assertThat(verify.count("ok")).isEqualTo(3);
            assertThat(verify.count("missingMetadata")).isZero();
            assertThat(verify.count("corrupt")).isEqualTo(1);

            keys.add(corrupt);
            for (ObjectKey key : keys) {
                legacy.delete(key);
            }
        }
    }

    private static ObjectKey key(Digest digest) {
        return ObjectKey.of("docker/registry/v2/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex() + "/data");
    }
}
