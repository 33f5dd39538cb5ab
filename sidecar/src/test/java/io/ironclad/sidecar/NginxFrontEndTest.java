package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The nginx front end of {@code ops/nginx} (real Debian nginx in front of a real sidecar): pushes
 * and pulls through it; digest-addressed 200s are cached (a HIT is served even after the store
 * lost the bytes), a 404 is not, tag manifests never are, ranges and HEADs pass through. One
 * sidecar and one nginx serve all tests, each in its own repository with its own blobs.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxFrontEndTest {

    private static final Path SCRIPT = Path.of("..", "ops", "nginx", "nginx.sh");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Random random = new Random(11);
    private StorageDriver driver;
    private Sidecar sidecar;
    private Path nginxDir;
    private URI nginx;

    @BeforeAll
    void start() throws Exception {
        driver = InMemoryDrivers.create("behind-nginx");
        String db = "jdbc:h2:mem:nginx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        sidecar = new Sidecar(db, driver, Files.createTempDirectory("ironclad-nginx"));
        nginxDir = Files.createDirectories(Path.of("target", "nginx-test")).resolve(UUID.randomUUID().toString()).toAbsolutePath();
        int port = freePort();
        script("start", nginxDir.toString(), "127.0.0.1:" + sidecar.port(), Integer.toString(port));
        nginx = URI.create("http://127.0.0.1:" + port);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            script("stop", nginxDir.toString());
        } finally {
            sidecar.close();
        }
    }

    @Test
    void pushThenPullTwiceIsAMissThenAHitServedFromTheCache() throws Exception {
        byte[] layer = bytes(3 * 1024 * 1024 + 17);
        pushChunked("front/app", layer, 1024 * 1024);
        String path = "/v2/front/app/blobs/" + digest(layer);

        HttpResponse<byte[]> first = send(get(path));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache-Status")).hasValue("MISS");
        assertThat(first.body()).isEqualTo(layer);

        driver.delete(BlobLayout.key(Digests.sha256(layer))); // from now on only the cache has the bytes
        HttpResponse<byte[]> second = send(get(path));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("X-Cache-Status")).hasValue("HIT");
        assertThat(second.headers().firstValue("Docker-Content-Digest")).hasValue(digest(layer));
        assertThat(second.body()).isEqualTo(layer);
        assertThat(send(get(path).header("Range", "bytes=100-199")).body()).as("a range cut from the cached blob")
                .isEqualTo(Arrays.copyOfRange(layer, 100, 200));
    }

    @Test
    void aBlobAskedForBeforeItsPushIsServedRightAfterIt() throws Exception {
        byte[] layer = bytes(4096);
        String path = "/v2/front/early/blobs/" + digest(layer);
        pushMonolithic("front/early", bytes(10)); // the repository exists; the blob does not yet

        HttpResponse<byte[]> missing = send(get(path));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("X-Cache-Status")).hasValue("MISS");
        assertThat(send(get(path)).statusCode()).as("still asks the sidecar").isEqualTo(404);

        pushMonolithic("front/early", layer);
        HttpResponse<byte[]> found = send(get(path));
        assertThat(found.statusCode()).as("the 404 was not cached").isEqualTo(200);
        assertThat(found.body()).isEqualTo(layer);
        assertThat(send(get(path)).headers().firstValue("X-Cache-Status")).hasValue("HIT");
    }

    @Test
    void tagManifestsAreNeverCachedDigestManifestsAre() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layerA = bytes(1000);
        byte[] layerB = bytes(1000);
        for (byte[] blob : List.of(config, layerA, layerB)) {
            pushMonolithic("front/tags", blob);
        }
        byte[] manifestA = Oci.imageManifest(config, layerA);
        byte[] manifestB = Oci.imageManifest(config, layerB);

        putManifest("front/tags", "latest", manifestA);
        HttpResponse<byte[]> a = send(get("/v2/front/tags/manifests/latest").header("Accept", Oci.OCI_MANIFEST));
        assertThat(a.body()).isEqualTo(manifestA);
        assertThat(a.headers().firstValue("X-Cache-Status")).hasValue("BYPASS");

        putManifest("front/tags", "latest", manifestB);
        HttpResponse<byte[]> b = send(get("/v2/front/tags/manifests/latest").header("Accept", Oci.OCI_MANIFEST));
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.body()).as("the moved tag answers the new manifest").isEqualTo(manifestB);
        assertThat(b.headers().firstValue("Docker-Content-Digest")).hasValue(digest(manifestB));

        String byDigest = "/v2/front/tags/manifests/" + digest(manifestA);
        assertThat(send(get(byDigest).header("Accept", Oci.OCI_MANIFEST)).headers().firstValue("X-Cache-Status")).hasValue("MISS");
        HttpResponse<byte[]> cached = send(get(byDigest).header("Accept", Oci.OCI_MANIFEST));
        assertThat(cached.headers().firstValue("X-Cache-Status")).hasValue("HIT");
        assertThat(cached.headers().firstValue("Content-Type")).hasValue(Oci.OCI_MANIFEST);
        assertThat(cached.body()).isEqualTo(manifestA);
    }

    @Test
    void rangesAndHeadsOfUncachedBlobsPassThrough() throws Exception {
        byte[] layer = bytes(64 * 1024);
        pushMonolithic("front/range", layer);
        String path = "/v2/front/range/blobs/" + digest(layer);

        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(nginx.resolve(path)).method("HEAD", BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(layer.length));
        assertThat(head.headers().firstValue("X-Cache-Status")).hasValue("BYPASS");

        HttpResponse<byte[]> range = send(get(path).header("Range", "bytes=1000-1999"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + layer.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(layer, 1000, 2000));
        assertThat(send(get(path)).headers().firstValue("X-Cache-Status")).as("the 206 was not stored").hasValue("MISS");
    }

    // ------------------------------------------------------------------ OCI calls through nginx

    private void pushMonolithic(String repo, byte[] blob) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(nginx.resolve("/v2/" + repo + "/blobs/uploads/?digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(blob)));
        assertThat(r.statusCode()).as(Oci.body(r)).isEqualTo(201);
    }

    private void pushChunked(String repo, byte[] blob, int chunk) {
        HttpResponse<byte[]> started = send(HttpRequest.newBuilder(nginx.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(BodyPublishers.noBody()));
        assertThat(started.statusCode()).as(Oci.body(started)).isEqualTo(202);
        String location = Oci.location(started);
        for (int offset = 0; offset < blob.length; offset += chunk) {
            int end = Math.min(blob.length, offset + chunk);
            HttpResponse<byte[]> patched = send(HttpRequest.newBuilder(nginx.resolve(location))
                    .header("Content-Type", "application/octet-stream").header("Content-Range", offset + "-" + (end - 1))
                    .method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOfRange(blob, offset, end))));
            assertThat(patched.statusCode()).as(Oci.body(patched)).isEqualTo(202);
            location = Oci.location(patched);
        }
        String separator = location.contains("?") ? "&" : "?";
        HttpResponse<byte[]> done = send(HttpRequest.newBuilder(nginx.resolve(location + separator + "digest=" + digest(blob)))
                .PUT(BodyPublishers.noBody()));
        assertThat(done.statusCode()).as(Oci.body(done)).isEqualTo(201);
    }

    private void putManifest(String repo, String tag, byte[] manifest) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(nginx.resolve("/v2/" + repo + "/manifests/" + tag))
                .header("Content-Type", Oci.OCI_MANIFEST).PUT(BodyPublishers.ofByteArray(manifest)));
        assertThat(r.statusCode()).as(Oci.body(r)).isEqualTo(201);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(nginx.resolve(path)).GET();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void script(String... args) throws Exception {
        Path log = Files.createTempFile("nginx-sh", ".log");
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ops/nginx/nginx.sh %s finished", args[0]).isTrue();
        assertThat(p.exitValue()).as("ops/nginx/nginx.sh %s: %s", String.join(" ", args), Files.readString(log)).isZero();
    }
}
