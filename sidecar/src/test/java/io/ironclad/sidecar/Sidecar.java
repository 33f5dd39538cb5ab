package io.ironclad.sidecar;

import io.ironclad.driver.StorageDriver;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A sidecar on a random port with a given database and a shared in-process driver, plus a JDK HTTP client. */
final class Sidecar implements AutoCloseable {

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Sidecar(String jdbcUrl, StorageDriver driver, Path dataDir) {
        this(jdbcUrl, driver, dataDir, Map.of());
    }

    /** A sidecar whose driver is built from {@code driverSettings} ({@code ironclad.driver.*}) as in production. */
    Sidecar(String jdbcUrl, Map<String, Object> driverSettings, Path dataDir) {
        this(jdbcUrl, null, dataDir, driverSettings);
    }

    /** A sidecar on {@code driver} (or, when null, the driver {@code settings} describe) with extra {@code settings}. */
    Sidecar(String jdbcUrl, StorageDriver driver, Path dataDir, Map<String, Object> settings) {
        this(jdbcUrl, driver, dataDir, settings, new Object[0]);
    }

    /** As above, with extra {@code beans} (e.g. a test clock) registered before the context starts. */
    Sidecar(String jdbcUrl, StorageDriver driver, Path dataDir, Map<String, Object> settings, Object... beans) {
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("datasources.default.url", jdbcUrl);
        props.put("datasources.default.username", jdbcUrl.startsWith("jdbc:postgresql") ? "postgres" : "sa");
        props.put("datasources.default.password", "");
        props.put("ironclad.driver.type", "provided");
        props.put("ironclad.data-dir", dataDir.toString());
        props.put("ironclad.consistency.timeout", "2s");
        props.put("ironclad.gc.grace-period", "0s");
        props.put("ironclad.delete.enabled", true); // tests delete; production has deletes off by default
        props.putAll(settings);
        java.util.List<Object> singletons = new java.util.ArrayList<>(java.util.Arrays.asList(beans));
        if (driver != null) {
            singletons.add(driver);
        }
        context = ApplicationContext.builder().properties(props).singletons(singletons.toArray()).start();
        server = context.getBean(EmbeddedServer.class).start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path));
    }

    int port() {
        return server.getPort();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
