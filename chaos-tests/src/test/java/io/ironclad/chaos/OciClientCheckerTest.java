package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker must see what a registry really served: a corrupt body IS counted. */
class OciClientCheckerTest {

    private static final byte[] LAYER = SeededBytesTest.bytes(3, 300_000);
    private static final String DIGEST = Digests.of(LAYER);

    private HttpServer registry;
    private final History history = new History();
    private OciClient client;

    /** Serves LAYER for /v2/good/..., LAYER with one byte changed for /v2/corrupt/..., and a cut body for /v2/cut/.... */
    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        registry.createContext("/v2/", exchange -> {
            String repo = exchange.getRequestURI().getPath().split("/")[2];
            byte[] body = LAYER.clone();
            if (repo.equals("corrupt")) {
                body[body.length / 2] ^= 0x01;
            }
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            if (repo.equals("cut")) {
                out.write(body, 0, body.length / 3);
                out.flush();
                throw new IOException("cut on purpose"); // makes the server close the connection
            }
            out.write(body);
            out.close();
        });
        registry.start();
        URI registryUri = URI.create("http://127.0.0.1:" + registry.getAddress().getPort());
        client = new OciClient(registryUri, registryUri, HttpClient.newHttpClient(),
                history, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    @Test
    void aCompleteBodyThatFailsItsDigestIsCorruptServed() {
        assertThat(client.getBlob("corrupt", DIGEST)).isEqualTo(Outcome.CORRUPT);
        TargetReport report = check();
        assertThat(report.corruptServed()).isEqualTo(1);
        assertThat(report.failures()).containsEntry("BLOB_GET digest mismatch", 1L);
    }

    @Test
    void aCorrectBodyIsOk() {
        assertThat(client.getBlob("good", DIGEST)).isEqualTo(Outcome.OK);
        TargetReport report = check();
        assertThat(report.corruptServed()).isZero();
        assertThat(report.failedOperations()).isZero();
        assertThat(report.byKind().get(OpKind.BLOB_GET).bytes()).isEqualTo(LAYER.length);
    }

    @Test
    void aBodyCutShortIsIncompleteNotCorrupt() {
        assertThat(client.getBlob("cut", DIGEST)).isEqualTo(Outcome.INCOMPLETE);
        TargetReport report = check();
        assertThat(report.corruptServed()).isZero();
        assertThat(report.outcomes()).containsEntry(Outcome.INCOMPLETE, 1L);
    }

    @Test
    void tagsJudgeStaleAndUnknownManifests() {
        TagState tag = new TagState();
        tag.attempted("sha256:a");
        tag.acknowledged("sha256:a");
        tag.attempted("sha256:b");
        assertThat(tag.judge("sha256:b")).as("a later attempt may have been applied").isEqualTo(Outcome.OK);
        tag.acknowledged("sha256:b");
        assertThat(tag.judge("sha256:a")).isEqualTo(Outcome.STALE);
        assertThat(tag.judge("sha256:c")).isEqualTo(Outcome.CORRUPT);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (i + 1) * 1_000_000L;
        }
        assertThat(Checker.percentile(nanos, 0.50)).isEqualTo(50.0);
        assertThat(Checker.percentile(nanos, 0.99)).isEqualTo(99.0);
        assertThat(Checker.percentile(new long[0], 0.5)).isZero();
    }

    private TargetReport check() {
        return Checker.check("test", "http://x", history.snapshot(), 1, Map.of(), Map.of(), List.of());
    }
}
