package io.ironclad.sidecar;

import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.ops.events.DbEventListener;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultKind;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.testsupport.Await;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that refuses connections is an outage through the whole API: once the breaker has seen
 * it, blob reads and pushes answer 503 + Retry-After without reaching the store, HEADs and tag
 * lists still answer from the database, health, events and metrics say "backend unavailable"
 * (not lag), and the breaker closes by itself once the store answers.
 */
class BackendOutageApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String metrics(Sidecar sidecar) {
        return new String(sidecar.send(sidecar.request("/prometheus").GET()).body(), StandardCharsets.UTF_8);
    }

    @Test
    void anOutageFailsFastIsReportedAsSuchAndEndsByItself() throws Exception {
        FaultyDriver driver = new FaultyDriver(InMemoryDrivers.create("outage-store"), FaultPlan.none(5), Clock.systemUTC(), d -> { });
        String db = "jdbc:h2:mem:outage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, driver, dir, Map.of("ironclad.backend.circuit.open-wait", "2s",
                "endpoints.health.details-visible", "ANONYMOUS"))) {
            byte[] config = "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
            byte[] layer = "layer bytes of the outage test".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "outage/app", config);
            Oci.pushMonolithic(sidecar, "outage/app", layer);
            assertThat(Oci.putManifest(sidecar, "outage/app", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(config, layer)).statusCode())
                    .isEqualTo(201);
            String blob = "/v2/outage/app/blobs/" + digest(layer);
            BackendAvailability availability = sidecar.bean(BackendAvailability.class);

            driver.goDown("connection refused");
            HttpResponse<byte[]> first = Oci.get(sidecar, blob);
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(availability.isOpen()).as("the first request's failures opened the breaker").isTrue();

            long reached = driver.counts().get(FaultKind.OUTAGE);
            HttpResponse<byte[]> refused = Oci.get(sidecar, blob);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Oci.errorCode(refused)).isEqualTo("UNAVAILABLE");
            assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 2);
            HttpResponse<byte[]> push = sidecar.send(sidecar.request("/v2/outage/app/blobs/uploads/?digest=" + digest(new byte[] {7}))
                    .header("Content-Type", "application/octet-stream").POST(Oci.bytes(new byte[] {7})));
            assertThat(push.statusCode()).as(Oci.body(push)).isEqualTo(503);
            assertThat(driver.counts().get(FaultKind.OUTAGE)).as("refused requests never reached the store").isEqualTo(reached);

            assertThat(Oci.head(sidecar, blob).statusCode()).as("HEAD answers from the database").isEqualTo(200);
            assertThat(Oci.get(sidecar, "/v2/outage/app/tags/list").statusCode()).isEqualTo(200);

            JsonNode store = JSON.readTree(Oci.get(sidecar, "/health").body()).path("details").path("store");
            assertThat(store.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(store.path("details").path("driver").asText()).isEqualTo("outage-store");
            assertThat(store.path("details").path("circuit").asText()).isIn("open", "half_open");
            assertThat(store.path("details").path("lastFailure").asText()).contains("connection refused");

            sidecar.bean(DbEventListener.class).flush();
            assertThat(sidecar.bean(Metadata.class).recentEvents(1000)).extracting(Metadata.EventView::kind)
                    .contains("backend_unavailable").doesNotContain("timeout", "retry", "freshness_fetch");
            String metrics = metrics(sidecar);
            assertThat(metrics).contains("ironclad_backend_available{driver=\"outage-store\"} 0.0")
                    .contains("ironclad_backend_unavailable_total{driver=\"outage-store\",operation=\"open\",outcome=\"refused\"}");

            driver.comeBack();
            Await.until("the prober closed the breaker", Duration.ofSeconds(30), () -> !availability.isOpen());
            HttpResponse<byte[]> served = Oci.get(sidecar, blob);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(layer);
            assertThat(JSON.readTree(Oci.get(sidecar, "/health").body()).path("details").path("store").path("status").asText())
                    .isEqualTo("UP");
            assertThat(metrics(sidecar)).contains("ironclad_backend_available{driver=\"outage-store\"} 1.0");
        }
    }
}
