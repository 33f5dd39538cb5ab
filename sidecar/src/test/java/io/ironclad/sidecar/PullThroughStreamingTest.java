package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients waiting on the one upstream fetch of an uncached blob get its bytes as they arrive: a
 * {@link GatedRelay} holds the upstream body at its half, and all 16 concurrent pulls must have
 * received bytes while it does (so before the fetch can have ended); the upstream saw one GET.
 * The last byte waits for the digest: with a corrupted second half no client completes the body,
 * and nothing is cached.
 */
class PullThroughStreamingTest {

    private static final int CLIENTS = 16;
    private static final int SIZE = 8 << 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Sidecar upstream;
    private GatedRelay relay;
    private Sidecar cache;
    private ExecutorService pool;

    @BeforeEach
    void start() throws IOException {
        upstream = new Sidecar("jdbc:h2:mem:stream-up-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(), dir.resolve("up"));
        relay = new GatedRelay(upstream.uri(""));
        cache = new Sidecar("jdbc:h2:mem:stream-cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("cache"), Map.of("ironclad.proxy.remote-url", relay.url(), "ironclad.proxy.request-timeout", "30s"));
        pool = Executors.newFixedThreadPool(CLIENTS);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        relay.close();
        cache.close();
        upstream.close();
    }

    @Test
    void everyWaiterReceivesBytesBeforeTheOneFetchEnds() throws Exception {
        byte[] layer = push("library/big");
        CountDownLatch receiving = new CountDownLatch(CLIENTS);
        List<Future<String>> pulls = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            pulls.add(pool.submit(() -> pull("/v2/library/big/blobs/" + Oci.digest(layer), receiving)));
        }
        // the relay holds the upstream body at its half until the gate opens: the fetch cannot have ended
        assertThat(receiving.await(60, TimeUnit.SECONDS)).as("all %d clients received bytes while the upstream body was held, %d did not",
                CLIENTS, receiving.getCount()).isTrue();
        assertThat(relay.blobGets()).as("upstream blob GETs").isEqualTo(1);
        relay.open();
        for (Future<String> pull : pulls) {
            assertThat(pull.get(60, TimeUnit.SECONDS)).isEqualTo(Oci.digest(layer));
        }
        assertThat(relay.blobGets()).isEqualTo(1);
        HttpResponse<byte[]> cached = Oci.get(cache, "/v2/library/big/blobs/" + Oci.digest(layer));
        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(Oci.digest(cached.body())).isEqualTo(Oci.digest(layer));
        assertThat(relay.blobGets()).as("served from the cache afterwards").isEqualTo(1);
    }

    @Test
    void aCorruptedUpstreamBodyIsCompletedToNoClientAndNotCached() throws Exception {
        byte[] layer = push("library/bad");
        relay.closeAgain(true);
        relay.open();
        String path = "/v2/library/bad/blobs/" + Oci.digest(layer);
        List<Future<String>> pulls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pulls.add(pool.submit(() -> pull(path, new CountDownLatch(1))));
        }
        for (Future<String> pull : pulls) {
            assertThat(pull.get(60, TimeUnit.SECONDS)).as("a client got a complete body").startsWith("failed");
        }
        relay.closeAgain(false);
        relay.open();
        HttpResponse<byte[]> fetchedAgain = Oci.get(cache, path);
        assertThat(fetchedAgain.statusCode()).isEqualTo(200);
        assertThat(Oci.digest(fetchedAgain.body())).isEqualTo(Oci.digest(layer));
        assertThat(relay.blobGets()).as("the corrupt body was not cached: fetched again").isEqualTo(2);
    }

    /** Pushes a one-layer image upstream and lets the cache fetch its manifest; returns the (uncached) layer. */
    private byte[] push(String repo) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[SIZE];
        new Random(repo.hashCode()).nextBytes(layer);
        Oci.pushMonolithic(upstream, repo, config);
        Oci.pushMonolithic(upstream, repo, layer);
        assertThat(Oci.putManifest(upstream, repo, "1", Oci.OCI_MANIFEST, Oci.imageManifest(config, layer)).statusCode()).isEqualTo(201);
        assertThat(Oci.get(cache, "/v2/" + repo + "/manifests/1").statusCode()).isEqualTo(200);
        return layer;
    }

    /** GETs a blob from the cache; counts {@code receiving} down at its first bytes; its digest, or "failed: ..." if the body did not complete. */
    private String pull(String path, CountDownLatch receiving) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(cache.uri(path)).timeout(Duration.ofSeconds(120)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (InputStream in = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (read == 0 && n > 0) {
                    receiving.countDown();
                }
                sha.update(buffer, 0, n);
                read += n;
            }
        } catch (IOException e) {
            return "failed after " + read + " bytes: " + e;
        }
        return read == SIZE ? "sha256:" + HexFormat.of().formatHex(sha.digest()) : "failed: " + read + " bytes";
    }
}
