package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.testsupport.OpsService;
import io.ironclad.tck.StorageDriverConformance;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against Ceph RGW's Swift API (TempAuth at {@code /auth/v1.0}, a storage
 * URL without {@code AUTH_}), on the cluster {@code ops/ceph/rgw.sh} starts. A small segment
 * size makes the large round trip a Static Large Object on RGW too.
 *
 * <p>RGW's Swift API ignores {@code If-None-Match: *} on PUT (both racers of a create-only put
 * win, and a create-only put over an existing object succeeds), so the driver is configured
 * without conditional create; {@link #rgwIgnoresIfNoneMatch} pins that deviation, so the
 * configuration can be revisited when RGW changes.
 */
@Tag("integration")
class RgwSwiftConformanceTest extends StorageDriverConformance {

    private static SwiftDriverConfig config;
    private static StorageDriver driver;

    @BeforeAll
    static void connect() {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_RGW_SWIFT_AUTH_URL");
        config = SwiftDriverConfig.tempAuth(
                        URI.create(rgw.setting("IRONCLAD_RGW_SWIFT_AUTH_URL")),
                        rgw.setting("IRONCLAD_RGW_SWIFT_USER"),
                        rgw.setting("IRONCLAD_RGW_SWIFT_KEY"),
                        "rgw-tck")
                .withSegmentSize(16L * 1024 * 1024)
                .withConditionalCreate(false);
        driver = SwiftDrivers.create(config);
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Test
    void rgwIgnoresIfNoneMatch() throws Exception {
        ObjectKey key = key("if-none-match");
        StorageDriver trusting = SwiftDrivers.create(config.withConditionalCreate(true));
        try {
            trusting.put(key, Payload.ofBytes(new byte[] {'a'}), PutOptions.DEFAULT);
            trusting.put(key, Payload.ofBytes(new byte[] {'b'}), new PutOptions(Map.of(), true));
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo("b");
        } finally {
            trusting.delete(key);
            trusting.close();
        }
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }
}
