package io.ironclad.s3;

import io.ironclad.driver.StorageDriver;
import io.ironclad.testsupport.OpsService;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link LargeChunkContract} on the real Ceph RGW that {@code ops/ceph/rgw.sh} starts (CI's). */
@Tag("integration")
class RgwLargeChunkTest extends LargeChunkContract {

    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        driver = S3Drivers.create(S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT")), "rgw-large-chunks",
                        rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION"))
                .withCreateBucket(true)
                .withPartSize(S3DriverConfig.MIN_PART_SIZE));
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }
}
