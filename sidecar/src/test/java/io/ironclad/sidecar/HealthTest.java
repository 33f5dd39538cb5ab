package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} reports the database and the store; {@code /health/readiness} fails when the
 * database does, and (by default) not when only the object store does; {@code /health/liveness}
 * fails while the request pool cannot run a task.
 */
class HealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A driver whose {@code stat} works, fails with a transient error, or hangs until released. */
    static final class ProbedDriver extends ForwardingStorageDriver {
        enum Mode { WORKING, FAILING, HANGING }

        volatile Mode mode = Mode.WORKING;
        final CountDownLatch release = new CountDownLatch(1);

        ProbedDriver(StorageDriver delegate) {
            super(delegate);
        }

        @Override
        public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
            if (mode == Mode.FAILING) {
                throw new TransientStorageException(name(), key, "backend unavailable (injected)");
            }
            if (mode == Mode.HANGING) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.stat(key, options);
        }
    }

    @Test
    void storeTroubleIsReportedButLeavesTheReplicaReadyAndDatabaseTroubleDoesNot() throws Exception {
        ProbedDriver driver = new ProbedDriver(InMemoryDrivers.create("health-store"));
        Path dir = Files.createTempDirectory("ironclad-health");
        String db = existingH2Database(dir);
        try (Sidecar sidecar = new Sidecar(db, driver, dir, Map.of("ironclad.health.timeout", "1s",
                "datasources.default.connection-timeout", "500"))) {
            JsonNode healthy = health(sidecar, "/health", 200);
            assertThat(healthy.path("status").asText()).isEqualTo("UP");
            assertThat(component(healthy, "database").path("status").asText()).isEqualTo("UP");
            assertThat(component(healthy, "database").path("details").path("database").asText()).startsWith("H2 ");
            assertThat(component(healthy, "store").path("status").asText()).isEqualTo("UP");
            assertThat(component(healthy, "store").path("details").path("driver").asText()).isEqualTo("health-store");
            assertThat(health(sidecar, "/health/readiness", 200).path("status").asText()).isEqualTo("UP");

            driver.mode = ProbedDriver.Mode.FAILING;
            JsonNode failing = health(sidecar, "/health", 200);
            assertThat(failing.path("status").asText()).isEqualTo("DEGRADED");
            JsonNode store = component(failing, "store");
            assertThat(store.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(store.path("details").path("error").asText()).contains("health-store").contains("backend unavailable (injected)");
            assertThat(health(sidecar, "/health/readiness", 200).path("status").asText()).isEqualTo("DEGRADED");

            driver.mode = ProbedDriver.Mode.HANGING;
            long start = System.nanoTime();
            JsonNode hanging = component(health(sidecar, "/health/readiness", 200), "store");
            assertThat((System.nanoTime() - start) / 1_000_000).as("answered at the probe timeout, not when the backend does").isLessThan(5000);
            assertThat(hanging.path("details").path("error").asText())
                    .isEqualTo("object store (health-store) did not answer within 1000 ms");
            driver.mode = ProbedDriver.Mode.WORKING;
            driver.release.countDown();
            assertThat(component(health(sidecar, "/health", 200), "store").path("status").asText()).isEqualTo("UP");

            takeDown(db, dir);
            JsonNode unready = health(sidecar, "/health/readiness", 503);
            assertThat(unready.path("status").asText()).isEqualTo("DOWN");
            assertThat(component(unready, "database").path("status").asText()).isEqualTo("DOWN");
            assertThat(component(unready, "database").path("details").path("error").asText()).isNotBlank();
            assertThat(health(sidecar, "/health", 503).path("status").asText()).isEqualTo("DOWN");
            // restarting the process would not bring the database back: liveness has no indicator of ours
            assertThat(health(sidecar, "/health/liveness", 200).path("status").asText()).isNotEqualTo("DOWN");
        }
    }

    @Test
    void storeFailureCanBeMadeToFailReadiness() throws Exception {
        ProbedDriver driver = new ProbedDriver(InMemoryDrivers.create("strict-store"));
        Path dir = Files.createTempDirectory("ironclad-health-strict");
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:health-" + dir.getFileName() + ";DB_CLOSE_DELAY=-1", driver, dir,
                Map.of("ironclad.health.store-failure-unready", "true"))) {
            assertThat(health(sidecar, "/health/readiness", 200).path("status").asText()).isEqualTo("UP");
            driver.mode = ProbedDriver.Mode.FAILING;
            JsonNode unready = health(sidecar, "/health/readiness", 503);
            assertThat(component(unready, "store").path("status").asText()).isEqualTo("DOWN");
            assertThat(component(unready, "database").path("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void livenessFailsWhileTheRequestPoolIsStuckAndRecoversAfter() throws Exception {
        HangingReads driver = new HangingReads(InMemoryDrivers.create("stuck-store"));
        Path dir = Files.createTempDirectory("ironclad-health-stuck");
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:stuck-" + dir.getFileName() + ";DB_CLOSE_DELAY=-1", driver, dir,
                Map.of("micronaut.executors.blocking.n-threads", 2, "ironclad.health.liveness-deadline", "1s",
                        "ironclad.cache.max-bytes", 0))) {
            JsonNode live = health(sidecar, "/health/liveness", 200);
            assertThat(component(live, "executor").path("status").asText()).isEqualTo("UP");
            byte[] blob = "a blob whose reads hang".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "stuck/app", blob);

            List<CompletableFuture<HttpResponse<byte[]>>> stuck = new ArrayList<>();
            driver.hang = true;
            try {
                HttpClient client = HttpClient.newHttpClient();
                for (int i = 0; i < 2; i++) {   // one per pool thread
                    stuck.add(client.sendAsync(sidecar.request("/v2/stuck/app/blobs/" + Oci.digest(blob)).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray()));
                }
                Await.until("both pool threads stuck in a read", Duration.ofSeconds(10), () -> driver.stuck.get() == 2);
                JsonNode down = health(sidecar, "/health/liveness", 503);
                JsonNode executor = component(down, "executor");
                assertThat(executor.path("status").asText()).isEqualTo("DOWN");
                assertThat(executor.path("details").path("error").asText()).isEqualTo("request executor did not answer within 1000 ms");
            } finally {
                driver.release.countDown();   // the pool threads must not outlive the test
            }
            for (CompletableFuture<HttpResponse<byte[]>> response : stuck) {
                assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            Await.until("liveness UP again", Duration.ofSeconds(10),
                    () -> sidecar.send(sidecar.request("/health/liveness").GET()).statusCode() == 200);
        }
    }

    /** A driver whose reads wait for {@code release} once {@code hang} is set, counting the readers stuck. */
    static final class HangingReads extends ForwardingStorageDriver {
        volatile boolean hang;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger stuck = new AtomicInteger();

        HangingReads(StorageDriver delegate) {
            super(delegate);
        }

        @Override
        public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
            if (hang) {
                stuck.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.open(key, options);
        }
    }

    /** An H2 file database that must exist to be opened, so deleting it makes the database unreachable. */
    private static String existingH2Database(Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("metadata").toAbsolutePath();
        DriverManager.getConnection(url, "sa", "").close();
        return url + ";IFEXISTS=TRUE";
    }

    private static void takeDown(String url, Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        Files.delete(dir.resolve("metadata.mv.db"));
    }

    private static JsonNode health(Sidecar sidecar, String path, int status) throws Exception {
        HttpResponse<byte[]> response = sidecar.send(sidecar.request(path).header("Accept", "application/json").GET());
        assertThat(response.statusCode()).as(path + ": " + Oci.body(response)).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static JsonNode component(JsonNode health, String name) {
        JsonNode component = health.path("details").path(name);
        assertThat(component.isMissingNode()).as("%s in %s", name, health).isFalse();
        return component;
    }
}
