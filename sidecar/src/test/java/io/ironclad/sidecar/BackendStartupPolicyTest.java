package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.availability.BackendAvailability;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One start-up policy for an unreachable store, whatever the driver: {@code degraded} (the
 * default) starts, opens the breaker and shows {@code store} DEGRADED; {@code refuse} stops the
 * start naming the driver. Swift (reached lazily) and S3 (reached when created) point at a closed
 * port; the filesystem store's directory cannot be created.
 */
class BackendStartupPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again before anyone connects
        }
    }

    private static Map<String, Object> swift(int port) {
        return Map.of("ironclad.driver.type", "swift", "ironclad.driver.swift.auth-url", "http://127.0.0.1:" + port + "/auth/v1.0",
                "ironclad.driver.swift.user", "test:tester", "ironclad.driver.swift.key", "testing",
                "ironclad.driver.swift.connect-timeout", "2s");
    }

    private static Map<String, Object> s3(int port) {
        return Map.of("ironclad.driver.type", "s3", "ironclad.driver.s3.endpoint", "http://127.0.0.1:" + port,
                "ironclad.driver.s3.access-key", "ak", "ironclad.driver.s3.secret-key", "sk", "ironclad.driver.s3.bucket", "ironclad",
                "ironclad.driver.s3.connect-timeout", "2s");
    }

    private Map<String, Object> with(Map<String, Object> driver, String policy) {
        Map<String, Object> settings = new HashMap<>(driver);
        settings.put("endpoints.health.details-visible", "ANONYMOUS");
        if (policy != null) {
            settings.put("ironclad.backend.startup", policy);
        }
        return settings;
    }

    private String db() {
        return "jdbc:h2:mem:startup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private void startsDegraded(Map<String, Object> settings, String driver) throws Exception {
        try (Sidecar sidecar = new Sidecar(db(), settings, Files.createDirectories(dir.resolve(driver)))) {
            assertThat(sidecar.bean(BackendAvailability.class).isOpen()).isTrue();
            HttpResponse<byte[]> health = Oci.get(sidecar, "/health");
            assertThat(health.statusCode()).as("degraded, not down").isEqualTo(200);
            JsonNode store = JSON.readTree(health.body()).path("details").path("store");
            assertThat(store.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(store.path("details").path("driver").asText()).isEqualTo(driver);
            assertThat(store.path("details").path("circuit").asText()).isIn("open", "half_open");
            assertThat(store.path("details").path("lastFailure").asText()).isNotBlank();
            assertThat(Oci.get(sidecar, "/health/readiness").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> push = Oci.startUploadResponse(sidecar, "startup/app");
            assertThat(push.statusCode()).as(Oci.body(push)).isEqualTo(503);
            assertThat(push.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void swiftAndS3AtAClosedPortAndAnUncreatableStoreDirectoryStartDegradedByDefault() throws Exception {
        startsDegraded(with(swift(closedPort()), null), "swift");
        startsDegraded(with(s3(closedPort()), "degraded"), "s3");
        Path blocked = Files.createDirectories(dir.resolve("filesystem"));
        Files.writeString(blocked.resolve("store"), "a file where the store directory should be");
        startsDegraded(with(Map.of("ironclad.driver.type", "filesystem"), null), "filesystem");
    }

    @Test
    void refuseStopsTheStartNamingTheDriver() throws Exception {
        for (Map<String, Object> driver : java.util.List.of(swift(closedPort()), s3(closedPort()))) {
            String type = (String) driver.get("ironclad.driver.type");
            assertThatThrownBy(() -> new Sidecar(db(), with(driver, "refuse"), Files.createDirectories(dir.resolve("refuse-" + type))))
                    .hasStackTraceContaining("object store (" + type + ") unreachable at startup and ironclad.backend.startup=refuse");
        }
    }
}
