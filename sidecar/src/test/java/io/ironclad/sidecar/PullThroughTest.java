package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.proxy.ProxyClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull-through cache in mirror mode against a second Ironclad as its upstream, with a test
 * clock for the TTL and the staleness period: fetch once, serve from the cache, follow an
 * overwritten tag after the TTL, serve what was confirmed within the staleness period while the
 * upstream is down (stopped, or a host name that does not resolve), pass the failure on past it
 * (503, never 404), one upstream fetch for concurrent pulls of an uncached blob.
 */
class PullThroughTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration STALENESS = Duration.ofHours(24);

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();
    private final StorageDriver proxyDriver = InMemoryDrivers.create();
    private final String proxyDb = "jdbc:h2:mem:proxy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private Sidecar upstream;
    private Sidecar proxy;

    @BeforeEach
    void start() {
        upstream = new Sidecar("jdbc:h2:mem:upstream-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("upstream"));
        proxy = startProxy(upstream.uri("").toString());
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    private Sidecar startProxy(String remoteUrl) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("ironclad.proxy.remote-url", remoteUrl);
        settings.put("ironclad.proxy.tag-ttl", TTL.toString());
        settings.put("ironclad.proxy.staleness-period", STALENESS.toString());
        settings.put("ironclad.proxy.request-timeout", "5s");
        return new Sidecar(proxyDb, proxyDriver, dir.resolve("proxy"), settings, new ProxyClock(clock));
    }

    /** Pushes a one-layer image to the upstream as {@code repo:tag}; returns {config, layer, manifest}. */
    private byte[][] pushUpstream(String repo, String tag, int layerSize) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[layerSize];
        new Random(tag.hashCode()).nextBytes(layer);
        Oci.pushMonolithic(upstream, repo, config);
        Oci.pushMonolithic(upstream, repo, layer);
        byte[] manifest = Oci.imageManifest(config, layer);
        assertThat(Oci.putManifest(upstream, repo, tag, Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        return new byte[][] {config, layer, manifest};
    }

    private void assertPulls(String repo, String tag, byte[][] image) {
        HttpResponse<byte[]> manifest = Oci.get(proxy, "/v2/" + repo + "/manifests/" + tag);
        assertThat(manifest.statusCode()).as(Oci.body(manifest)).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image[2]);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> blob = Oci.get(proxy, "/v2/" + repo + "/blobs/" + Oci.digest(image[i]));
            assertThat(blob.statusCode()).as(Oci.body(blob)).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(image[i]);
        }
    }

    private double counter(String name, String... tags) {
        var search = proxy.bean(MeterRegistry.class).find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void fetchesOnceThenServesWithinTheStalenessPeriodAndPassesTheFailureOnPastIt() {
        byte[][] image = pushUpstream("library/app", "1.0", 4096);
        assertPulls("library/app", "1.0", image);
        double fetched = counter("ironclad.proxy.upstream.bytes", "upstream", "mirror");
        assertThat(fetched).isEqualTo(image[0].length + image[1].length + image[2].length);

        upstream.close();
        assertPulls("library/app", "1.0", image); // within the TTL: not even asked
        clock.advance(STALENESS.minusMinutes(1));
        assertPulls("library/app", "1.0", image); // past the TTL, upstream refused: served stale
        assertThat(counter("ironclad.proxy.stale.served", "upstream", "mirror")).isEqualTo(1);
        assertThat(counter("ironclad.proxy.upstream.errors", "upstream", "mirror", "kind", "connection")).isEqualTo(1);
        assertThat(counter("ironclad.proxy.upstream.bytes", "upstream", "mirror")).isEqualTo(fetched);

        clock.advance(Duration.ofMinutes(2));
        HttpResponse<byte[]> past = Oci.get(proxy, "/v2/library/app/manifests/1.0");
        assertThat(past.statusCode()).as(Oci.body(past)).isEqualTo(503);
        assertThat(past.headers().firstValue("Retry-After")).isPresent();
        assertThat(Oci.errorCode(past)).isEqualTo("UNAVAILABLE");
        // immutable content stays served; what was never cached is the upstream's failure, not a 404
        assertThat(Oci.get(proxy, "/v2/library/app/manifests/" + Oci.digest(image[2])).statusCode()).isEqualTo(200);
        assertThat(Oci.get(proxy, "/v2/library/app/blobs/" + Oci.digest("never".getBytes(StandardCharsets.UTF_8))).statusCode())
                .isEqualTo(503);
        assertThat(Oci.get(proxy, "/v2/library/app/manifests/2.0").statusCode()).isEqualTo(503);
    }

    @Test
    void followsAnOverwrittenTagOnceTheTtlPassed() {
        byte[][] first = pushUpstream("team/tool", "latest", 1000);
        assertPulls("team/tool", "latest", first);
        byte[][] second = pushUpstream("team/tool", "latest", 2000);

        assertPulls("team/tool", "latest", first); // trusted for the TTL
        clock.advance(TTL.plusSeconds(1));
        assertPulls("team/tool", "latest", second);
        assertThat(counter("ironclad.proxy.tag.refreshes", "upstream", "mirror", "outcome", "updated")).isEqualTo(1);
        clock.advance(TTL.plusSeconds(1));
        assertPulls("team/tool", "latest", second);
        assertThat(counter("ironclad.proxy.tag.refreshes", "upstream", "mirror", "outcome", "unchanged")).isEqualTo(1);
    }

    @Test
    void aTagDeletedUpstreamIsAnAnswer() {
        byte[][] image = pushUpstream("team/gone", "v1", 100);
        assertPulls("team/gone", "v1", image);
        assertThat(upstream.send(upstream.request("/v2/team/gone/manifests/v1").DELETE()).statusCode()).isEqualTo(202);
        clock.advance(TTL.plusSeconds(1));
        HttpResponse<byte[]> gone = Oci.get(proxy, "/v2/team/gone/manifests/v1");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Oci.errorCode(gone)).isEqualTo("MANIFEST_UNKNOWN");
    }

    @Test
    void aCachedRepositoryRefusesPushes() {
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v2/library/app/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(Oci.body(r)).isEqualTo(405);
        assertThat(Oci.body(r)).contains("pull-through cache");
    }

    @Test
    void servesWhatItHasWhenTheUpstreamHostNameNoLongerResolves() {
        byte[][] image = pushUpstream("library/dns", "1", 512);
        assertPulls("library/dns", "1", image);
        proxy.close();
        proxy = startProxy("http://upstream.invalid:5000");
        clock.advance(TTL.plusSeconds(1));
        assertPulls("library/dns", "1", image);
        assertThat(counter("ironclad.proxy.upstream.errors", "upstream", "mirror", "kind", "dns")).isEqualTo(1);
        clock.advance(STALENESS);
        assertThat(Oci.get(proxy, "/v2/library/dns/manifests/1").statusCode()).isEqualTo(503);
    }

    @Test
    void concurrentPullsOfAnUncachedBlobFetchItOnce() throws Exception {
        byte[][] image = pushUpstream("library/big", "1", 32 << 20);
        assertThat(Oci.get(proxy, "/v2/library/big/manifests/1").statusCode()).isEqualTo(200);
        double before = counter("ironclad.proxy.upstream.bytes", "upstream", "mirror");
        String path = "/v2/library/big/blobs/" + Oci.digest(image[1]);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<byte[]>>> pulls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                pulls.add(pool.submit(() -> Oci.get(proxy, path)));
            }
            for (Future<HttpResponse<byte[]>> pull : pulls) {
                HttpResponse<byte[]> r = pull.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Oci.digest(r.body())).isEqualTo(Oci.digest(image[1]));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter("ironclad.proxy.upstream.bytes", "upstream", "mirror") - before).isEqualTo(image[1].length);
    }
}
