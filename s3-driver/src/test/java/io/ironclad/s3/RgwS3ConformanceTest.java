package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.testsupport.OpsService;
import io.ironclad.tck.StorageDriverConformance;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The conformance kit against Ceph RGW's S3 API (Pacific, Debian packages) on the cluster
 * {@code ops/ceph/rgw.sh} starts, through the configured endpoint {@code IRONCLAD_S3_ENDPOINT}.
 *
 * <p>Deviations of RGW Pacific, pinned below so the configuration can be revisited when RGW
 * changes: it enforces {@code If-None-Match: *} on PutObject (atomically: concurrent create-only
 * puts have one winner) but ignores it on CompleteMultipartUpload, so the probe leaves
 * {@link Capability#CONDITIONAL_CREATE} off (a create-only commit or large put could overwrite);
 * it ignores {@code x-amz-checksum-sha256}, so the driver does not send it; and it refuses an
 * empty body signed as {@code aws-chunked} (the driver signs empty bodies unchunked), and trailing
 * checksums, which is why {@code requestChecksums} defaults to {@code WHEN_REQUIRED}.
 */
@Tag("integration")
class RgwS3ConformanceTest extends StorageDriverConformance {

    private static S3DriverConfig config;
    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        config = S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT")), "rgw-s3-tck",
                        rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION"))
                .withCreateBucket(true)
                .withPartSize(S3DriverConfig.MIN_PART_SIZE);
        driver = S3Drivers.create(config);
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }

    @Test
    void probeFindsCreateOnlyCompletionNotEnforced() throws Exception {
        assertThat(driver.capabilities().has(Capability.CONDITIONAL_CREATE)).isFalse();
        ObjectKey key = key("complete-if-none-match");
        driver.put(key, Payload.ofBytes(bytes("old")), PutOptions.DEFAULT);
        try (S3Endpoint endpoint = S3Drivers.endpoint(config, config.endpoint())) {
            S3Multipart multipart = new S3Multipart(endpoint, config.bucket(), config.partSize(), false);
            String uploadId = multipart.create(key, Map.of());
            var part = multipart.uploadPart(key, uploadId, 1, PayloadBody.of(Payload.ofBytes(bytes("new"))));
            multipart.complete(key, uploadId, List.of(part), true);
        }
        assertThat(readQuietly(key, ReadOptions.FRESH)).as("RGW Pacific completes over an existing key despite If-None-Match: *")
                .isEqualTo("new");
        driver.delete(key);
    }

    /** The put half of conditional create works on RGW: a driver told it is enforced gets one winner of a race. */
    @Test
    void createOnlyPutRaceHasOneWinner() throws Exception {
        StorageDriver trusting = S3Drivers.create(config.withConditionalCreate(S3DriverConfig.ConditionalCreate.ENFORCED));
        ObjectKey key = key("raced-put");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> racers = new ArrayList<>();
            for (String content : List.of("a", "b", "c", "d")) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return trusting.put(key, Payload.ofBytes(bytes(content)), new PutOptions(Map.of("who", content), true));
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<?> racer : racers) {
                try {
                    racer.get(60, TimeUnit.SECONDS);
                    winners++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectAlreadyExistsException.class);
                }
            }
            assertThat(winners).isEqualTo(1);
            String who = trusting.stat(key, ReadOptions.FRESH).userMetadata().get("who");
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo(who);
        } finally {
            pool.shutdownNow();
            trusting.delete(key);
            trusting.close();
        }
    }

    @Test
    void rgwIgnoresSha256Checksums() throws Exception {
        assertThat(((S3StorageDriver) driver).sendsSha256()).isFalse();
        ObjectKey key = key("wrong-checksum");
        try (S3Endpoint endpoint = S3Drivers.endpoint(config, config.endpoint())) {
            endpoint.client().putObject(b -> b.bucket(config.bucket()).key(key.value())
                    .checksumSHA256(Base64.getEncoder().encodeToString(new byte[32])), RequestBody.fromBytes(bytes("x")));
        }
        assertThat(readQuietly(key, ReadOptions.FRESH)).as("stored despite a wrong x-amz-checksum-sha256").isEqualTo("x");
        driver.delete(key);
    }

    @Test
    void rgwRefusesTrailingChecksumsButServesChecksumValidation() throws Exception {
        ObjectKey key = key("flexible");
        S3DriverConfig.ChecksumMode required = S3DriverConfig.ChecksumMode.WHEN_REQUIRED;
        S3DriverConfig.ChecksumMode supported = S3DriverConfig.ChecksumMode.WHEN_SUPPORTED;
        try (StorageDriver trailing = S3Drivers.create(config.withChecksums(supported, required))) {
            assertThatThrownBy(() -> trailing.put(key, Payload.ofBytes(bytes("x")), PutOptions.DEFAULT))
                    .hasMessageContaining("HTTP 400 XAmzContentSHA256Mismatch");
        }
        try (StorageDriver validating = S3Drivers.create(config.withChecksums(required, supported))) {
            validating.put(key, Payload.ofBytes(bytes("checked")), PutOptions.DEFAULT);
            try (var content = validating.open(key, ReadOptions.PLAIN)) {
                assertThat(content.body().readAllBytes()).isEqualTo(bytes("checked"));
            }
            validating.delete(key);
        }
    }

    @Test
    void emptyObjectsAndEmptyPartsAreStored() throws Exception {
        ObjectKey key = key("empty-with-metadata");
        driver.put(key, Payload.ofBytes(new byte[0]), PutOptions.of(Map.of("k", "v")));
        assertThat(driver.stat(key, ReadOptions.FRESH).userMetadata()).containsEntry("k", "v");
        var writer = driver.newWriter();
        writer.writePart(1, Payload.ofBytes(bytes("x")));
        writer.writePart(2, Payload.ofBytes(new byte[0]));
        ObjectKey assembled = key("with-empty-part");
        writer.commit(assembled, PutOptions.DEFAULT);
        assertThat(readQuietly(assembled, ReadOptions.FRESH)).isEqualTo("x");
        driver.delete(key);
        driver.delete(assembled);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
