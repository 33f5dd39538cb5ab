package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Swift outage through the real sidecar jar on a real Swift all-in-one: with the proxy
 * stopped (connection refused) pushes fail fast with 503 + Retry-After once the circuit breaker
 * has seen the outage, HEADs and tag lists still answer from the database, {@code /health},
 * the {@code backend_unavailable} events and the {@code ironclad_backend_*} metrics say so,
 * and when the proxy is back the breaker closes by itself and pushes work again. A sidecar
 * started while the proxy is down starts DEGRADED (the default policy); one told to refuse
 * an unreachable store (S3 at a closed port) exits naming it. Prints the times measured.
 *
 * <p>Stops and starts the proxy of the Swift it is given: run it on a Swift of its own
 * ({@code IRONCLAD_SWIFT_PORT_OFFSET}) when others use the shared one.
 */
@Tag("integration")
class SwiftOutageTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    @Test
    void aStoppedProxyIsAnOutageThatFailsFastAndEndsByItself() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String swiftDir = swift.setting("IRONCLAD_SWIFT_DIR");
        Map<String, String> settings = Map.of(
                "ironclad.driver.type", "swift",
                "ironclad.driver.swift.auth-url", swift.setting("IRONCLAD_SWIFT_AUTH_URL"),
                "ironclad.driver.swift.user", swift.setting("IRONCLAD_SWIFT_USER"),
                "ironclad.driver.swift.key", swift.setting("IRONCLAD_SWIFT_KEY"),
                "ironclad.driver.swift.container", "outage-" + UUID.randomUUID(),
                "ironclad.backend.circuit.open-wait", "3s",
                "endpoints.health.details-visible", "ANONYMOUS",
                "datasources.default.url", "jdbc:h2:file:" + work.resolve("a/metadata") + ";DB_CLOSE_ON_EXIT=FALSE",
                "ironclad.data-dir", Files.createDirectories(work.resolve("a")).toString());
        try (SidecarProcess sidecar = new SidecarProcess(Files.createDirectories(work.resolve("a-log")), SidecarProcess.freePort(), settings)) {
            sidecar.start();
            URI base = sidecar.uri();
            byte[] layer = ("layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            assertThat(push(base, "outage/app", layer).statusCode()).isEqualTo(201);
            try {
                swift.control("stop-server", swiftDir, "proxy");

                long t0 = System.nanoTime();
                HttpResponse<String> first = push(base, "outage/app", bytes("first during outage"));
                long firstMillis = millis(t0);
                assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
                double failed = metric(base, "ironclad_backend_unavailable_total{driver=\"swift\",operation=\"put\",outcome=\"failed\"}");

                long t1 = System.nanoTime();
                HttpResponse<String> fast = push(base, "outage/app", bytes("second during outage"));
                long fastMillis = millis(t1);
                assertThat(fast.statusCode()).as(fast.body()).isEqualTo(503);
                assertThat(fast.body()).contains("\"UNAVAILABLE\"");
                assertThat(fast.headers().firstValue("Retry-After")).isPresent();
                assertThat(metric(base, "ironclad_backend_unavailable_total{driver=\"swift\",operation=\"put\",outcome=\"failed\"}"))
                        .as("the second push never reached Swift").isEqualTo(failed);
                assertThat(metric(base, "ironclad_backend_available{driver=\"swift\"}")).isZero();
                System.out.printf("swift proxy stopped: first push 503 after %d ms (breaker closed, opened by it), "
                        + "next push 503 after %d ms (breaker open); consistency timeout 30000 ms%n", firstMillis, fastMillis);

                assertThat(head(base, "/v2/outage/app/blobs/" + digest(layer))).as("HEAD answers from the database").isEqualTo(200);
                assertThat(get(base, "/v2/outage/app/tags/list").statusCode()).isIn(200, 404); // no tag pushed: NAME_UNKNOWN is a DB answer too
                String health = get(base, "/health").body();
                assertThat(health).contains("\"DEGRADED\"").containsPattern("\"circuit\":\"(open|half_open)\"").contains("\"driver\":\"swift\"");
                String events = get(base, "/ops/consistency/events?kind=backend_unavailable&limit=100").body();
                assertThat(events).contains("backend_unavailable").contains("Connect");
                assertThat(get(base, "/ops/consistency/events?kind=timeout&limit=10").body()).doesNotContain("\"kind\":\"timeout\"");

                startsDegradedWhileSwiftIsDown(settings);
            } finally {
                swift.control("start-server", swiftDir, "proxy");
            }
            long t2 = System.nanoTime();
            Await.until("breaker closed once the proxy answers", Duration.ofSeconds(60),
                    () -> metric(base, "ironclad_backend_available{driver=\"swift\"}") == 1.0);
            System.out.printf("swift proxy back: breaker closed %d ms after the restart command returned%n", millis(t2));
            assertThat(push(base, "outage/app", bytes("after the outage")).statusCode()).isEqualTo(201);
            assertThat(get(base, "/health").body()).doesNotContain("DEGRADED");
        }
        refusesAnUnreachableS3WhenToldTo();
    }

    /** A second sidecar started while the proxy is down: up, ready, store DEGRADED. */
    private void startsDegradedWhileSwiftIsDown(Map<String, String> settings) throws Exception {
        Map<String, String> second = new java.util.HashMap<>(settings);
        second.put("datasources.default.url", "jdbc:h2:file:" + work.resolve("b/metadata") + ";DB_CLOSE_ON_EXIT=FALSE");
        second.put("ironclad.data-dir", Files.createDirectories(work.resolve("b")).toString());
        try (SidecarProcess degraded = new SidecarProcess(Files.createDirectories(work.resolve("b-log")), SidecarProcess.freePort(), second)) {
            degraded.start(); // waits for /health/readiness 200
            assertThat(get(degraded.uri(), "/health").body()).contains("\"DEGRADED\"").contains("\"driver\":\"swift\"");
            assertThat(push(degraded.uri(), "outage/app", bytes("pushed to a degraded start")).statusCode()).isEqualTo(503);
        }
        assertThat(Files.readString(work.resolve("b-log/sidecar.log"))).contains("object store (swift) unreachable at startup, starting DEGRADED");
    }

    /** {@code ironclad.backend.startup=refuse} with S3 at a closed port: the JVM exits non-zero naming the store. */
    private void refusesAnUnreachableS3WhenToldTo() throws Exception {
        int closed = SidecarProcess.freePort();
        Path jar = SideBySideTest.projectRoot().resolve("sidecar/target/ironclad-sidecar.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Dmicronaut.server.port=" + SidecarProcess.freePort(),
                "-Dironclad.data-dir=" + Files.createDirectories(work.resolve("c")),
                "-Ddatasources.default.url=jdbc:h2:file:" + work.resolve("c/metadata"),
                "-Dironclad.driver.type=s3", "-Dironclad.driver.s3.endpoint=http://127.0.0.1:" + closed,
                "-Dironclad.driver.s3.access-key=ak", "-Dironclad.driver.s3.secret-key=sk", "-Dironclad.backend.startup=refuse",
                "-jar", jar.toString(), "serve"));
        Path log = work.resolve("c-sidecar.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("refusing sidecar exited").isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("object store (s3) unreachable at startup and ironclad.backend.startup=refuse");
    }

    private HttpResponse<String> push(URI base, String repo, byte[] blob) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/?digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int head(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A Prometheus sample's value, 0 when absent. */
    private double metric(URI base, String sample) {
        try {
            for (String line : get(base, "/prometheus").body().split("\n")) {
                if (line.startsWith(sample + " ")) {
                    return Double.parseDouble(line.substring(sample.length() + 1).trim());
                }
            }
            return 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return (text + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }

    private static String digest(byte[] blob) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long millis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
