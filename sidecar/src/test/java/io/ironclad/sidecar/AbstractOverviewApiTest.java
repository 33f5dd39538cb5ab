package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ops/repositories}, {@code /ops/traffic} and {@code /ops/meters} (io.ironclad.sidecar.ops)
 * after real pushes and pulls; subclasses choose the database.
 */
abstract class AbstractOverviewApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    abstract String jdbcUrl();

    @Test
    void countsRepositoriesPageByPageAndTrafficByKind(@TempDir Path dir) throws Exception {
        try (Sidecar sidecar = new Sidecar(jdbcUrl(), InMemoryDrivers.create(), dir)) {
            byte[] layer = "shared layer".getBytes(StandardCharsets.UTF_8);
            for (String repo : new String[] {"a/one", "a/two", "b", "c"}) {
                byte[] config = ("{\"repo\":\"" + repo + "\"}").getBytes(StandardCharsets.UTF_8);
                Oci.pushMonolithic(sidecar, repo, layer);
                Oci.pushMonolithic(sidecar, repo, config);
                assertThat(Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, Oci.imageManifest(config, layer)).statusCode()).isEqualTo(201);
            }
            assertThat(Oci.putManifest(sidecar, "b", "v2", Oci.OCI_MANIFEST, "{bad".getBytes(StandardCharsets.UTF_8)).statusCode())
                    .as("a refused push is not counted").isEqualTo(400);
            assertThat(Oci.get(sidecar, "/v2/b/manifests/v1").statusCode()).isEqualTo(200);
            assertThat(Oci.get(sidecar, "/v2/b/manifests/v9").statusCode()).as("a missing tag is not a pull").isEqualTo(404);
            assertThat(Oci.head(sidecar, "/v2/b/manifests/v1").statusCode()).as("a HEAD is not a pull").isEqualTo(200);
            assertThat(Oci.get(sidecar, "/v2/b/blobs/" + Oci.digest(layer)).statusCode()).as("a blob GET is not a pull").isEqualTo(200);

            JsonNode first = json(sidecar, "/ops/repositories?n=2");
            assertThat(first.path("repositories").findValuesAsText("name")).containsExactly("a/one", "a/two");
            assertThat(first.path("next").asText()).isEqualTo("a/two");
            JsonNode one = first.path("repositories").get(0);
            assertThat(one.path("manifests").asLong()).isEqualTo(1);
            assertThat(one.path("tags").asLong()).isEqualTo(1);
            assertThat(one.path("blobs").asLong()).isEqualTo(2);
            assertThat(one.path("blobBytes").asLong()).isEqualTo(layer.length + ("{\"repo\":\"a/one\"}").length());
            JsonNode rest = json(sidecar, "/ops/repositories?n=2&last=a/two");
            assertThat(rest.path("repositories").findValuesAsText("name")).containsExactly("b", "c");
            assertThat(rest.path("next").isNull()).as("the last page").isTrue();
            JsonNode totals = rest.path("totals");
            assertThat(totals.path("repositories").asLong()).isEqualTo(4);
            assertThat(totals.path("manifests").asLong()).isEqualTo(4);
            assertThat(totals.path("tags").asLong()).isEqualTo(4);
            assertThat(totals.path("blobs").asLong()).as("the shared layer once, four configs").isEqualTo(5);
            assertThat(totals.path("storedBytes").asLong()).isEqualTo(totals.path("blobBytes").asLong() + totals.path("manifestBytes").asLong());

            JsonNode traffic = json(sidecar, "/ops/traffic?window=5m");
            assertThat(traffic.path("pushesLastMinute").asLong()).isEqualTo(4);
            assertThat(traffic.path("pullsLastMinute").asLong()).isEqualTo(1);
            assertThat(traffic.path("buckets")).hasSize(30);

            String scrape = Oci.body(sidecar.send(sidecar.request("/prometheus").header("Accept", "text/plain").GET()));
            assertThat(scrape).containsPattern("(?m)^ironclad_registry_pushes_total(\\{\\})? 4\\.0$")
                    .containsPattern("(?m)^ironclad_registry_pulls_total(\\{\\})? 1\\.0$");
            JsonNode meters = json(sidecar, "/ops/meters?name=ironclad.registry.pushes,ironclad.registry.pulls&name=ironclad.not.registered");
            assertThat(meters.path("meters").findValuesAsText("name")).containsExactly("ironclad.registry.pulls", "ironclad.registry.pushes");
            assertThat(meters.path("meters").get(1).path("value").asDouble()).isEqualTo(4.0);
            assertThat(meters.path("meters").get(1).path("type").asText()).isEqualTo("counter");
        }
    }

    @Test
    void badParametersAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        try (Sidecar sidecar = new Sidecar(jdbcUrl(), InMemoryDrivers.create(), dir)) {
            assertRefused(sidecar, "/ops/repositories?n=0", "limit must be between 1 and 1000");
            assertRefused(sidecar, "/ops/repositories?n=abc", "n must be a number");
            assertRefused(sidecar, "/ops/traffic?window=2h", "window must be 1m to 60m");
            assertRefused(sidecar, "/ops/meters", "name= is required");
            assertRefused(sidecar, "/ops/meters?name=jvm.memory.used", "meter name must be ironclad.");
        }
    }

    private static void assertRefused(Sidecar sidecar, String path, String message) throws Exception {
        HttpResponse<byte[]> response = sidecar.send(sidecar.request(path).header("Accept", "application/json").GET());
        assertThat(response.statusCode()).as(path).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).as(path).contains(message);
    }

    private static JsonNode json(Sidecar sidecar, String path) throws Exception {
        HttpResponse<byte[]> response = sidecar.send(sidecar.request(path).header("Accept", "application/json").GET());
        assertThat(response.statusCode()).as("%s: %s", path, Oci.body(response)).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
