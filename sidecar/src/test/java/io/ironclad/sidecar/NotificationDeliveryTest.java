package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A webhook receiver sees every event (pushes, pulls, deletes of blobs and manifests) exactly
 * once and, per repository, in the order the registry acknowledged them: while it answers 503,
 * while it is down altogether, and across a restart of the sidecar that stored the events.
 */
class NotificationDeliveryTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean wrongMediaType = new AtomicBoolean();
    private final Map<String, List<String>> expected = new HashMap<>();
    private final Random random = new Random(3);

    @Test
    void everyEventArrivesOnceInOrderAcrossAnOutageAndARestart() throws Exception {
        Path dir = Files.createTempDirectory("ironclad-notify");
        String db = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        StorageDriver driver = InMemoryDrivers.create();
        HttpServer receiver = receiver(0);
        int port = receiver.getAddress().getPort();
        Map<String, Object> settings = Map.of("ironclad.notifications.endpoints.hook.url", "http://127.0.0.1:" + port + "/events",
                "ironclad.notifications.endpoints.hook.headers.Authorization", "Bearer secret",
                "ironclad.notifications.endpoints.hook.backoff", "200ms", "ironclad.notifications.endpoints.hook.batch", "3",
                "ironclad.notifications.interval", "50ms");
        try (Sidecar first = new Sidecar(db, driver, dir.resolve("a"), settings)) {
            image(first, "hooks/one", "v1");
            image(first, "hooks/two", "v1");
            awaitAll();
            failing.set(true);                       // the receiver answers 503 for a while
            image(first, "hooks/one", "v2");
            deleteManifest(first, "hooks/two", "v1");
            Await.until("the dispatcher retried against the failing receiver", Duration.ofSeconds(20),
                    () -> first.bean(io.micrometer.core.instrument.MeterRegistry.class).find("ironclad.notifications.events")
                            .tag("outcome", "failed").counters().stream().mapToDouble(c -> c.count()).sum() >= 2);
            receiver.stop(0);                        // then it is down altogether
            failing.set(false);
            image(first, "hooks/two", "v3");
        }
        try (Sidecar second = new Sidecar(db, driver, dir.resolve("b"), settings)) {
            image(second, "hooks/one", "v4");
            receiver = receiver(port);               // back, after the sidecar that stored the events is gone
            awaitAll();
            deleteManifest(second, "hooks/one", "v4");
            awaitAll();
        } finally {
            receiver.stop(0);
        }
        Set<String> ids = new HashSet<>();
        Map<String, List<String>> seen = new HashMap<>();
        for (JsonNode event : received) {
            assertThat(ids.add(event.path("id").asText())).as("event delivered once: " + event).isTrue();
            seen.computeIfAbsent(event.path("target").path("repository").asText(), r -> new ArrayList<>()).add(describe(event));
            assertThat(event.path("timestamp").asText()).isNotEmpty();
            assertThat(event.path("source").path("instanceID").asText()).isNotEmpty();
            assertThat(event.path("request").path("method").asText()).isIn("GET", "PUT", "POST", "DELETE");
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(wrongMediaType.get()).as("envelope media type and headers").isFalse();
    }

    /** Pushes config, layer and manifest under {@code tag}, then pulls the manifest. */
    private void image(Sidecar sidecar, String repo, String tag) {
        byte[] config = bytes(120);
        byte[] layer = bytes(3000);
        for (byte[] blob : List.of(config, layer)) {
            Oci.pushMonolithic(sidecar, repo, blob);
            expect(repo, "push blobs " + digest(blob));
        }
        byte[] manifest = Oci.imageManifest(config, layer);
        assertThat(Oci.putManifest(sidecar, repo, tag, Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        expect(repo, "push manifests " + digest(manifest) + " " + tag);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/" + tag).statusCode()).isEqualTo(200);
        expect(repo, "pull manifests " + digest(manifest) + " " + tag);
    }

    private void deleteManifest(Sidecar sidecar, String repo, String tag) {
        String digest = Oci.head(sidecar, "/v2/" + repo + "/manifests/" + tag).headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertThat(sidecar.send(sidecar.request("/v2/" + repo + "/manifests/" + digest).DELETE()).statusCode()).isEqualTo(202);
        expect(repo, "delete manifests " + digest);
    }

    private void expect(String repo, String event) {
        expected.computeIfAbsent(repo, r -> new ArrayList<>()).add(event);
    }

    private static String describe(JsonNode event) {
        JsonNode target = event.path("target");
        String kind = target.path("url").asText().contains("/manifests/") ? "manifests" : "blobs";
        String tag = target.has("tag") ? " " + target.path("tag").asText() : "";
        return event.path("action").asText() + " " + kind + " " + target.path("digest").asText() + tag;
    }

    private void awaitAll() {
        Await.until("the receiver has every event", Duration.ofSeconds(30),
                () -> received.size() == expected.values().stream().mapToInt(List::size).sum());
    }

    private HttpServer receiver(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/events", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"application/vnd.docker.distribution.events.v1+json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))
                    || !"Bearer secret".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                wrongMediaType.set(true);
            }
            int status = failing.get() ? 503 : 200;
            if (status == 200) {
                json.readTree(body).path("events").forEach(received::add);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
