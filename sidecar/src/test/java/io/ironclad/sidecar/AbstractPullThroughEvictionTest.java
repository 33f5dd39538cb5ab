package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.proxy.ProxyClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache size bound: with room for two of three cached images, a collector run evicts the
 * least recently used one (a pull a minute later made another the most recent), and its blobs
 * are collected; the other two still pull with the upstream stopped, the evicted one does not
 * (it was not cached any more: 503, not a wrong answer). A local repository's image, larger than
 * the whole bound, is never evicted. Run on H2 and PostgreSQL (the cache's database).
 */
abstract class AbstractPullThroughEvictionTest {

    private static final int LAYER = 100_000;

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();

    /** The cache's database. */
    abstract String jdbcUrl();

    @Test
    void evictsTheLeastRecentlyUsedCachedImageAndNeverALocalOne() {
        Sidecar upstream = new Sidecar("jdbc:h2:mem:evict-up-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("up"));
        byte[][] a = push(upstream, "library/a");
        byte[][] b = push(upstream, "library/b");
        byte[][] c = push(upstream, "library/c");
        try (Sidecar cache = new Sidecar(jdbcUrl(), InMemoryDrivers.create(),
                dir.resolve("cache"), Map.of("ironclad.proxy.upstreams.hub.remote-url", upstream.uri("").toString(),
                        "ironclad.proxy.tag-ttl", "1h", "ironclad.proxy.max-bytes", Long.toString(LAYER * 5 / 2),
                        "ironclad.gc.grace-period", "0s"), new ProxyClock(clock))) {
            byte[][] local = push(cache, "local/app", LAYER * 3); // a local repository: pushed, not cached
            assertPulls(cache, "hub/library/a", a);
            assertPulls(cache, "hub/library/b", b);
            clock.advance(Duration.ofMinutes(2));
            assertPulls(cache, "hub/library/a", a); // a is now used more recently than b
            assertPulls(cache, "hub/library/c", c);

            BlobCollector collector = cache.bean(BlobCollector.class);
            for (int round = 0; round < 20 && collector.collect() > 0; round++) {
                // each round may free what the previous one unreferenced
            }
            assertThat(cache.bean(MeterRegistry.class).counter("ironclad.proxy.evicted").count()).isEqualTo(1);
            assertThat(cache.bean(Metadata.class).findBlob(Digest.parse(Oci.digest(b[1])))).as("b's layer collected").isEmpty();
            assertThat(cache.bean(Metadata.class).findBlob(Digest.parse(Oci.digest(a[1])))).as("a's layer kept").isPresent();

            upstream.close();
            assertPulls(cache, "hub/library/a", a);
            assertPulls(cache, "hub/library/c", c);
            assertPulls(cache, "local/app", local);
            assertThat(Oci.get(cache, "/v2/hub/library/b/manifests/1").statusCode()).as("evicted, upstream stopped").isEqualTo(503);
            assertThat(Oci.get(cache, "/v2/hub/library/b/blobs/" + Oci.digest(b[1])).statusCode()).isEqualTo(503);
        } finally {
            upstream.close();
        }
    }

    private static byte[][] push(Sidecar registry, String repo) {
        return push(registry, repo, LAYER);
    }

    /** Pushes a one-layer image as {@code repo:1}; returns {config, layer, manifest}. */
    private static byte[][] push(Sidecar registry, String repo, int layerSize) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"repo\":\"" + repo + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[layerSize];
        new Random(repo.hashCode()).nextBytes(layer);
        Oci.pushMonolithic(registry, repo, config);
        Oci.pushMonolithic(registry, repo, layer);
        byte[] manifest = Oci.imageManifest(config, layer);
        assertThat(Oci.putManifest(registry, repo, "1", Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        return new byte[][] {config, layer, manifest};
    }

    private static void assertPulls(Sidecar cache, String repo, byte[][] image) {
        HttpResponse<byte[]> manifest = Oci.get(cache, "/v2/" + repo + "/manifests/1");
        assertThat(manifest.statusCode()).as(repo + ": " + Oci.body(manifest)).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image[2]);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> blob = Oci.get(cache, "/v2/" + repo + "/blobs/" + Oci.digest(image[i]));
            assertThat(blob.statusCode()).as(repo + ": " + Oci.body(blob)).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(image[i]);
        }
    }
}
