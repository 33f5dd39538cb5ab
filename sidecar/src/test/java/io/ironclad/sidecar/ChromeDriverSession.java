package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromedriver driving headless Chromium over the W3C WebDriver protocol (plain HTTP
 * from the JDK's client, no Selenium): for checks a DOM dump cannot make, such as where text is
 * laid out. One browser per instance; {@link #close()} ends it and the driver process.
 */
final class ChromeDriverSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(100);

    private final Process driver;
    private final URI base;
    private final String session;
    private final HttpClient http = HttpClient.newHttpClient();

    ChromeDriverSession(Path work, int width, int height) throws Exception {
        Path binary = Path.of("/usr/bin/chromedriver");
        assertThat(Files.isExecutable(binary)).as("chromedriver (Debian chromium-driver, ops/ci/install-packages.sh) at %s", binary).isTrue();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(work);
        driver = new ProcessBuilder(binary.toString(), "--port=" + port).redirectErrorStream(true)
                .redirectOutput(work.resolve("chromedriver.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        awaitReady(Instant.now().plusSeconds(30));
        Map<String, Object> options = Map.of("binary", "/usr/bin/chromium", "args", List.of("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createTempDirectory(work, "profile")));
        JsonNode created = call("POST", "/session", Map.of("capabilities", Map.of("alwaysMatch",
                Map.of("browserName", "chrome", "goog:chromeOptions", options))));
        session = created.path("sessionId").asText();
        assertThat(session).as("a WebDriver session: %s", created).isNotEmpty();
    }

    void open(URI page) throws Exception {
        call("POST", "/session/" + session + "/url", Map.of("url", page.toString()));
    }

    /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
    JsonNode execute(String script) throws Exception {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of()));
    }

    /** Runs {@code condition} (a JavaScript expression) until it is true, failing after {@code timeout}. */
    void await(String condition, Duration timeout) throws Exception {
        try {
            Await.until(condition, timeout, () -> holds(condition));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the page shows: "
                    + execute("return document.body.innerText.slice(0, 1500);").asText(), e);
        }
    }

    private boolean holds(String condition) {
        try {
            return execute("return Boolean(" + condition + ");").asBoolean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + condition, e);
        } catch (Exception e) {
            throw new IllegalStateException("WebDriver could not evaluate " + condition, e);
        }
    }

    void screenshot(Path png) throws Exception {
        String data = call("GET", "/session/" + session + "/screenshot", null).asText();
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() throws Exception {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor();
            }
        }
    }

    private void awaitReady(Instant deadline) throws Exception {
        while (true) {
            assertThat(driver.isAlive()).as("chromedriver exited").isTrue();
            try {
                if (call("GET", "/status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // chromedriver is still starting
            }
            assertThat(Instant.now()).as("chromedriver ready within 30 s").isBefore(deadline);
            driver.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS); // returns at once if it exits
        }
    }

    /** One WebDriver command; returns its {@code value}, failing on a WebDriver error. */
    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(response.body()).path("value");
        assertThat(response.statusCode()).as("WebDriver %s %s: %s", method, path, response.body()).isEqualTo(200);
        return value;
    }
}
