package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication against stand-in servers (the JDK's HttpServer): TempAuth token renewal on 401,
 * and Keystone v3 through OpenStack4j choosing the object-store endpoint by region and interface.
 */
class SwiftAuthenticationTest {

    private HttpServer server;
    private String base;
    private final AtomicInteger authentications = new AtomicInteger();
    private final List<String> objectPaths = new CopyOnWriteArrayList<>();
    private volatile String validToken = "none";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/v1/", this::object);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void tempAuthRenewsAnExpiredTokenOnceAndRetries() throws Exception {
        server.createContext("/auth/v1.0", exchange -> {
            int n = authentications.incrementAndGet();
            exchange.getResponseHeaders().add("X-Storage-Url", base + "/v1/AUTH_test");
            exchange.getResponseHeaders().add("X-Auth-Token", "token-" + n);
            respond(exchange, 200, "");
        });
        try (StorageDriver driver = SwiftDrivers.create(tempAuth())) {
            validToken = "token-1";
            driver.stat(ObjectKey.of("a"), ReadOptions.PLAIN);
            validToken = "token-2";   // token-1 expires
            ObjectInfo info = driver.stat(ObjectKey.of("b/c"), ReadOptions.PLAIN);
            assertThat(info.size()).isEqualTo(3);
            assertThat(info.userMetadata()).containsEntry("ironclad-digest", "sha256:x");
        }
        assertThat(authentications).hasValue(2);
        assertThat(objectPaths).containsExactly("/v1/AUTH_test/c/a", "/v1/AUTH_test/c/b/c", "/v1/AUTH_test/c/b/c");
    }

    @Test
    void aSecond401IsFatal() {
        server.createContext("/auth/v1.0", exchange -> {
            authentications.incrementAndGet();
            exchange.getResponseHeaders().add("X-Storage-Url", base + "/v1/AUTH_test");
            exchange.getResponseHeaders().add("X-Auth-Token", "never-valid");
            respond(exchange, 200, "");
        });
        try (StorageDriver driver = SwiftDrivers.create(tempAuth())) {
            assertThatThrownBy(() -> driver.stat(ObjectKey.of("a"), ReadOptions.PLAIN))
                    .isExactlyInstanceOf(StorageException.class).hasMessageContaining("401").hasMessageContaining("[swift] a");
        }
        assertThat(authentications).hasValue(2);
    }

    @Test
    void refusedCredentialsAreFatal() {
        server.createContext("/auth/v1.0", exchange -> respond(exchange, 401, ""));
        try (StorageDriver driver = SwiftDrivers.create(tempAuth())) {
            assertThatThrownBy(() -> driver.stat(ObjectKey.of("a"), ReadOptions.PLAIN))
                    .isExactlyInstanceOf(StorageException.class).hasMessageContaining("TempAuth");
        }
    }

    @Test
    void keystoneV3PicksTheObjectStoreEndpointOfTheConfiguredRegionAndInterface() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        server.createContext("/v3/auth/tokens", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authentications.incrementAndGet();
            exchange.getResponseHeaders().add("X-Subject-Token", "keystone-token");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            respond(exchange, 201, keystoneToken());
        });
        validToken = "keystone-token";
        SwiftDriverConfig config = SwiftDriverConfig.keystoneV3(URI.create(base + "/v3"), "registry", "secret", "ci", "c")
                .withEndpoint("r2", SwiftDriverConfig.EndpointInterface.INTERNAL)
                .withCreateContainers(false);
        try (StorageDriver driver = SwiftDrivers.create(config)) {
            assertThat(driver.stat(ObjectKey.of("k"), ReadOptions.PLAIN).size()).isEqualTo(3);
        }
        assertThat(objectPaths).containsExactly("/v1/AUTH_r2_internal/c/k");
        assertThat(requests).singleElement().satisfies(body -> assertThat(body)
                .contains("\"password\"").contains("registry").contains("secret").contains("\"ci\"").contains("Default"));
    }

    private SwiftDriverConfig tempAuth() {
        return SwiftDriverConfig.tempAuth(URI.create(base + "/auth/v1.0"), "test:tester", "testing", "c").withCreateContainers(false);
    }

    private void object(HttpExchange exchange) throws IOException {
        objectPaths.add(exchange.getRequestURI().getRawPath());
        if (!validToken.equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
            respond(exchange, 401, "");
            return;
        }
        exchange.getResponseHeaders().add("X-Object-Meta-Ironclad-Digest", "sha256:x");
        exchange.getResponseHeaders().add("Etag", "900150983cd24fb0d6963f7d28e17f72");
        exchange.getResponseHeaders().add("X-Timestamp", "1795374799.37595");
        exchange.getResponseHeaders().add("Content-Length", "3");
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    private String keystoneToken() {
        String endpoints = String.join(",",
                endpoint("public", "r1", "AUTH_r1_public"),
                endpoint("internal", "r1", "AUTH_r1_internal"),
                endpoint("public", "r2", "AUTH_r2_public"),
                endpoint("internal", "r2", "AUTH_r2_internal"));
        return """
                {"token": {"methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
                  "issued_at": "2026-01-01T00:00:00.000000Z",
                  "user": {"id": "u1", "name": "registry", "domain": {"id": "default", "name": "Default"}},
                  "project": {"id": "p1", "name": "ci", "domain": {"id": "default", "name": "Default"}},
                  "roles": [{"id": "r", "name": "member"}],
                  "catalog": [
                    {"id": "s0", "type": "identity", "name": "keystone", "endpoints": [
                      {"id": "k", "interface": "public", "region": "r2", "region_id": "r2", "url": "%s/v3"}]},
                    {"id": "s1", "type": "object-store", "name": "swift", "endpoints": [%s]}]}}
                """.formatted(base, endpoints);
    }

    private String endpoint(String iface, String region, String account) {
        return """
                {"id": "%s", "interface": "%s", "region": "%s", "region_id": "%s", "url": "%s/v1/%s"}"""
                .formatted(account, iface, region, region, base, account);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
