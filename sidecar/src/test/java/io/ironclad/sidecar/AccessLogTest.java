package io.ironclad.sidecar;


import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The access log ({@code io.ironclad.sidecar.http.AccessLog}): one line per request on the logger {@code ironclad.access}
 * with client, authenticated user, ISO-8601 time with zone, request line with query secrets
 * redacted, status, bytes and duration; nothing when switched off.
 */
class AccessLogTest {

    private static final String TIME = "\\[\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})\\]";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("ironclad.access");
    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void eachRequestIsOneLineWithItsFields() throws Exception {
        try (Sidecar sidecar = sidecar(Map.of())) {
            String unknown = Oci.digest("never pushed".getBytes(StandardCharsets.UTF_8));
            assertThat(sidecar.send(HtpasswdAuthTest.login(sidecar.request("/v2/app/blobs/" + unknown)
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()), "alice", "secret")).statusCode()).isEqualTo(404);
            assertThat(sidecar.send(HtpasswdAuthTest.login(sidecar.request("/v2/app/tags/list?n=5&access_token=hunter2"), "alice", "secret")
                    .header("User-Agent", "probe \"1\"")).statusCode()).isEqualTo(404);
            assertThat(sidecar.send(sidecar.request("/v2/")).statusCode()).isEqualTo(401);

            List<String> lines = lines(3);
            assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - alice " + TIME + " \"HEAD /v2/app/blobs/" + unknown
                    + " HTTP/1\\.1\" 404 0 \"-\" \"[^\"]*\" \\d+");
            assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - alice " + TIME
                    + " \"GET /v2/app/tags/list\\?n=5&access_token=REDACTED HTTP/1\\.1\" 404 (\\d+|-) \"-\" \"probe \\\\\"1\\\\\"\" \\d+");
            assertThat(lines.get(2)).matches("127\\.0\\.0\\.1 - - " + TIME + " \"GET /v2/ HTTP/1\\.1\" 401 (\\d+|-) \"-\" \"[^\"]*\" \\d+");
            assertThat(String.join("\n", lines)).doesNotContain("hunter2");
        }
    }

    @Test
    void switchedOffItWritesNothing() throws Exception {
        try (Sidecar sidecar = sidecar(Map.of("ironclad.access-log.enabled", false))) {
            assertThat(sidecar.send(sidecar.request("/v2/")).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(HtpasswdAuthTest.login(sidecar.request("/v2/"), "alice", "secret")).statusCode()).isEqualTo(200);
        }
        assertThat(log.list).isEmpty();
    }

    private List<String> lines(int count) {
        Await.until(count + " access log lines", Duration.ofSeconds(10), () -> log.list.size() >= count);
        assertThat(log.list).hasSize(count);
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private Sidecar sidecar(Map<String, Object> extra) throws Exception {
        Path file = dir.resolve("htpasswd");
        Files.writeString(file, "alice:" + HtpasswdAuthTest.bcrypt("secret") + "\n");
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("ironclad.auth.htpasswd.file", file.toString()));
        settings.putAll(extra);
        return new Sidecar("jdbc:h2:mem:access-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("data"), settings);
    }
}
