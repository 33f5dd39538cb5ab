package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A backend failure after a request body was sent is retried with the body spooled to disk (every
 * body is received into the spool area, a large one read from there while it still arrives), and
 * the spool file is removed when the request ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayableRequestBodyTest {

    private static final int SIZE = 100_000;

    private final Random random = new Random(11);
    private final FailingAfterReadingWrites driver = new FailingAfterReadingWrites(InMemoryDrivers.create());
    private Path dataDir;
    private Sidecar sidecar;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("ironclad-replay");
        sidecar = new Sidecar("jdbc:h2:mem:replay-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", driver, dataDir,
                Map.of("ironclad.http.stream-after-bytes", SIZE * 5));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @AfterEach
    void noSpooledBodyLeftBehind() throws IOException {
        assertThat(driver.failuresLeft()).as("the injected failure was met").isZero();
        Path tmp = dataDir.resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (Stream<Path> files = Files.list(tmp)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aPatchWithinTheLimitIsSentAgainAfterTheBackendFailedIt() {
        String repo = repo();
        byte[] blob = bytes(SIZE);
        String location = Oci.startUpload(sidecar, repo);
        driver.failNextWrites(1);
        HttpResponse<byte[]> patch = Oci.patch(sidecar, location, blob, 0);
        assertThat(patch.statusCode()).as(Oci.body(patch)).isEqualTo(202);
        assertPulledBack(repo, blob, Oci.finish(sidecar, Oci.location(patch), digest(blob)));
    }

    @Test
    void aChunkedPatchIsSentAgainToo() {
        String repo = repo();
        byte[] blob = bytes(SIZE * 3);   // no Content-Length: spooled whatever its size
        String location = Oci.startUpload(sidecar, repo);
        driver.failNextWrites(1);
        HttpResponse<byte[]> patch = sidecar.send(sidecar.request(location).header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(blob))));
        assertThat(patch.statusCode()).as(Oci.body(patch)).isEqualTo(202);
        assertPulledBack(repo, blob, Oci.finish(sidecar, Oci.location(patch), digest(blob)));
    }

    @Test
    void aMonolithicPushWithinTheLimitIsSentAgain() {
        String repo = repo();
        byte[] blob = bytes(SIZE / 2);
        driver.failNextWrites(1);
        Oci.pushMonolithic(sidecar, repo, blob);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    @Test
    void aPatchStreamedWhileItArrivesIsSentAgainToo() {
        String repo = repo();
        byte[] blob = bytes(SIZE * 20);   // handed to the store while it arrives, and read again from the spool file
        String location = Oci.startUpload(sidecar, repo);
        driver.failNextWrites(1);
        HttpResponse<byte[]> patch = Oci.patch(sidecar, location, blob, 0);
        assertThat(patch.statusCode()).as(Oci.body(patch)).isEqualTo(202);
        assertPulledBack(repo, blob, Oci.finish(sidecar, Oci.location(patch), digest(blob)));
    }

    private void assertPulledBack(String repo, byte[] blob, HttpResponse<byte[]> finish) {
        assertThat(finish.statusCode()).as(Oci.body(finish)).isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    private String repo() {
        return "replay/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
