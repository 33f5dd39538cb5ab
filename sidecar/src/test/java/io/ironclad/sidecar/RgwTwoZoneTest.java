package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3Drivers;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import java.net.URI;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two sidecars sharing one database on a real RGW multisite pair: A stores through zone z1 (the
 * master), B reads through zone z2 with z1 as its freshness endpoint. A push to A followed at
 * once by a pull from B returns the pushed bytes, with the bucket's replication paused (B must
 * fetch from z1) and with it running.
 */
@Tag("integration")
class RgwTwoZoneTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pushToZoneOnePullFromZoneTwoWithReplicationPaused() throws Exception {
        pushThenPullAcrossZones(true);
    }

    @Test
    void pushToZoneOnePullFromZoneTwoWithReplicationRunning() throws Exception {
        pushThenPullAcrossZones(false);
    }

    private void pushThenPullAcrossZones(boolean paused) throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        String bucket = "sidecar-" + UUID.randomUUID().toString().substring(0, 13);
        String db = "jdbc:h2:mem:zones-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Path dir = Files.createTempDirectory("ironclad-zones");
        Map<String, Object> zoneOne = settings(rgw, bucket, rgw.setting("IRONCLAD_S3_ENDPOINT"), null);
        Map<String, Object> zoneTwo = settings(rgw, bucket, rgw.setting("IRONCLAD_S3_Z2_ENDPOINT"), rgw.setting("IRONCLAD_S3_ENDPOINT"));
        try (Sidecar a = new Sidecar(db, zoneOne, dir.resolve("a"))) {
            // the pause is a bucket flag that must itself reach z2 by metadata sync
            int waits = Await.until("bucket " + bucket + " visible in z2", Duration.ofSeconds(60), () -> bucketInZoneTwo(rgw, bucket));
            System.out.printf("[rgw zones] bucket reached z2 after %d waits%n", waits);
            if (paused) {
                rgw.control("pause-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
            }
            try (Sidecar b = new Sidecar(db, zoneTwo, dir.resolve("b"))) {
                byte[] layer = new byte[3 * 1024 * 1024 + 17];
                new Random(11).nextBytes(layer);
                byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
                Oci.pushMonolithic(a, "zones/app", layer);
                Oci.pushMonolithic(a, "zones/app", config);
                HttpResponse<byte[]> put = Oci.putManifest(a, "zones/app", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(config, layer));
                assertThat(put.statusCode()).as(body(put)).isEqualTo(201);

                HttpResponse<byte[]> manifest = Oci.get(b, "/v2/zones/app/manifests/v1");
                assertThat(manifest.statusCode()).as(body(manifest)).isEqualTo(200);
                HttpResponse<byte[]> pulled = Oci.get(b, "/v2/zones/app/blobs/" + digest(layer));
                assertThat(pulled.statusCode()).as(body(pulled)).isEqualTo(200);
                assertThat(digest(pulled.body())).isEqualTo(digest(layer));

                long freshness = freshnessFetches(b);
                System.out.printf("[rgw zones] replication %s: pull from z2 needed %d freshness fetches%n",
                        paused ? "paused" : "running", freshness);
                if (paused) {
                    assertThat(freshness).as("z2 cannot have the layer: B must have fetched it from z1").isPositive();
                }
            }
        } finally {
            if (paused) {
                rgw.control("resume-sync", rgw.setting("IRONCLAD_RGW_DIR"), bucket);
            }
        }
    }

    private static Map<String, Object> settings(OpsService rgw, String bucket, String endpoint, String freshnessEndpoint) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                "ironclad.driver.type", "s3",
                "ironclad.driver.s3.endpoint", endpoint,
                "ironclad.driver.s3.region", rgw.setting("IRONCLAD_S3_REGION"),
                "ironclad.driver.s3.access-key", rgw.setting("IRONCLAD_S3_ACCESS_KEY"),
                "ironclad.driver.s3.secret-key", rgw.setting("IRONCLAD_S3_SECRET_KEY"),
                "ironclad.driver.s3.bucket", bucket,
                "ironclad.driver.s3.create-bucket", freshnessEndpoint == null ? "true" : "false"));
        if (freshnessEndpoint != null) {
            settings.put("ironclad.driver.s3.freshness-endpoint", freshnessEndpoint);
        }
        return settings;
    }

    private static boolean bucketInZoneTwo(OpsService rgw, String bucket) {
        S3DriverConfig config = S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_Z2_ENDPOINT")), bucket,
                rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withConditionalCreate(S3DriverConfig.ConditionalCreate.UNSUPPORTED).withSendSha256Checksum(false);
        try (StorageDriver probe = S3Drivers.create(config)) {
            probe.list(ListRequest.prefix(""));
            return true;
        } catch (StorageException | RuntimeException notYet) {
            return false;
        }
    }

    private static long freshnessFetches(Sidecar sidecar) throws Exception {
        HttpResponse<byte[]> response = sidecar.send(sidecar.request("/ops/consistency/events?limit=10000")
                .header("Accept", "application/json").GET());
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        JsonNode events = JSON.readTree(response.body()).path("events");
        long count = 0;
        for (JsonNode event : events) {
            if (event.path("kind").asText().equalsIgnoreCase("freshness_fetch")) {
                count++;
            }
        }
        return count;
    }
}
