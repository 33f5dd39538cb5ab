package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.testsupport.DockerRegistry;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar jar as a pull-through cache (mirror mode) of a real upstream, the Debian
 * {@code docker-registry} on the Swift all-in-one with images pushed by {@code skopeo}, behind the
 * {@link FaultProxy}. For each upstream failure (5xx burst, 429 with Retry-After, resets, latency
 * past the request timeout, the upstream stopped) the cached image pulls byte-identical with skopeo
 * while an uncached one gets the failure passed on (503/429 with Retry-After, never 404);
 * truncated, corrupted and stalled (past {@code idle-timeout}) upstream blobs are refused and not
 * cached; an overwritten upstream tag
 * is followed (tag-ttl 0). The staleness period passing is covered with a test clock in the
 * sidecar's PullThroughTest.
 */
@Tag("integration")
class PullThroughFaultsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final long STALL_MILLIS = CLIENT_TIMEOUT.toMillis() * 2;

    @TempDir
    Path work;

    private FaultProxy faults;
    private URI registry;
    private int faultPort;

    @Test
    void servesCachedImagesThroughUpstreamFailuresAndPassesFailuresOnForUncachedOnes() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        try (DockerRegistry upstream = DockerRegistry.start(new DockerRegistry.SwiftStorage(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                swift.setting("IRONCLAD_SWIFT_USER"), swift.setting("IRONCLAD_SWIFT_KEY"), "proxy-upstream-" + work.getFileName()), work)) {
            registry = upstream.url();
            Path cachedLayout = OciLayouts.make(work.resolve("cached"), 1, 2 << 20);
            Path otherLayout = OciLayouts.make(work.resolve("other"), 2, 1 << 20);
            skopeo("copy", "--dest-tls-verify=false", "oci:" + cachedLayout + ":v1", "docker://" + host(registry) + "/library/app:v1");
            skopeo("copy", "--dest-tls-verify=false", "oci:" + otherLayout + ":v1", "docker://" + host(registry) + "/library/other:v1");

            faultPort = SidecarProcess.freePort();
            SidecarProcess cache = new SidecarProcess(work, SidecarProcess.freePort(), Map.of(
                    "ironclad.data-dir", work.resolve("data").toString(),
                    "datasources.default.url", "jdbc:h2:file:" + work.resolve("data/metadata") + ";DB_CLOSE_ON_EXIT=FALSE",
                    "ironclad.proxy.remote-url", "http://127.0.0.1:" + faultPort,
                    "ironclad.proxy.tag-ttl", "0s",
                    "ironclad.proxy.staleness-period", "1h",
                    "ironclad.proxy.request-timeout", "2s",
                    "ironclad.proxy.idle-timeout", "1s"));
            try (cache) {
                restartFaults(Scenario.none());
                cache.start();
                assertPullsIdentical(cache.uri(), "library/app:v1", cachedLayout);

                for (FaultSpec fault : List.of(
                        error(503, 1000, 0),
                        error(429, 1000, 7),
                        new FaultSpec(FaultKind.DROP, 1, 0, null, null, "^/v2/.+", 0, 0, false),
                        new FaultSpec(FaultKind.LATENCY, 1, 0, null, null, "^/v2/.+", 3000, 3000, false))) {
                    restartFaults(new Scenario(fault.kind() + "-" + fault.statuses(), "", 1, null, List.of(fault), null));
                    assertPullsIdentical(cache.uri(), "library/app:v1", cachedLayout);
                    HttpResponse<byte[]> uncached = get(cache.uri(), "/v2/library/other/manifests/v1");
                    int expected = fault.kind() == FaultKind.ERROR && fault.statuses().contains(429) ? 429 : 503;
                    assertThat(uncached.statusCode()).as(fault + ": " + new String(uncached.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
                    assertThat(uncached.headers().firstValue("Retry-After")).as(fault.toString()).isPresent();
                    if (expected == 429) {
                        assertThat(uncached.headers().firstValue("Retry-After")).hasValue("7"); // the upstream's own
                    }
                }

                stopFaults(); // the upstream is gone: connection refused
                assertPullsIdentical(cache.uri(), "library/app:v1", cachedLayout);
                assertThat(get(cache.uri(), "/v2/library/other/manifests/v1").statusCode()).isEqualTo(503);

                // the other image's manifest is fetched, its layer body then arrives cut or corrupted
                restartFaults(Scenario.none());
                assertThat(get(cache.uri(), "/v2/library/other/manifests/v1").statusCode()).isEqualTo(200);
                String layer = "/v2/library/other/blobs/" + OciLayouts.layerDigest(otherLayout);
                for (FaultKind bodyFault : List.of(FaultKind.TRUNCATE, FaultKind.FLIP, FaultKind.STALL)) {
                    // a stall outlasts this test's client timeout: only the cache's idle timeout (1 s) answers in time
                    restartFaults(new Scenario(bodyFault.name(), "", 3, null,
                            List.of(new FaultSpec(bodyFault, 1, 0, null, null, "^/v2/.+/blobs/", 0, STALL_MILLIS, false)), null));
                    // the cache streams an uncached blob as it arrives, so a bad body ends cut before its last byte
                    String refused = refusedOrCut(cache.uri(), layer);
                    assertThat(refused).as(bodyFault + " upstream body").startsWith("cut");
                    if (bodyFault == FaultKind.STALL) {
                        assertThat(faults.injected().getOrDefault("stall", 0L)).as("the upstream stalled mid-body").isPositive();
                        assertThat(refused).as("cut by the cache's idle timeout, not this client's").doesNotContain("HttpTimeoutException");
                    }
                    stopFaults();
                    assertThat(get(cache.uri(), layer).statusCode()).as("after " + bodyFault + ": nothing was cached").isEqualTo(503);
                }
                restartFaults(Scenario.none());
                assertPullsIdentical(cache.uri(), "library/other:v1", otherLayout);

                // an overwritten upstream tag is followed (tag-ttl 0: asked on every pull)
                skopeo("copy", "--dest-tls-verify=false", "oci:" + otherLayout + ":v1", "docker://" + host(registry) + "/library/app:v1");
                assertPullsIdentical(cache.uri(), "library/app:v1", otherLayout);

                String metrics = HTTP.send(HttpRequest.newBuilder(cache.uri().resolve("/prometheus")).header("Accept", "text/plain").build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("ironclad_proxy_stale_served_total", "ironclad_proxy_upstream_errors_total",
                        "kind=\"server_error\"", "kind=\"too_many_requests\"", "kind=\"timeout\"", "kind=\"corrupt\"",
                        "ironclad_proxy_tag_refreshes_total", "ironclad_proxy_upstream_bytes_total");
            } finally {
                stopFaults();
            }
        }
    }

    private static FaultSpec error(int status, int burst, int retryAfter) {
        return new FaultSpec(FaultKind.ERROR, 1, burst, List.of(status), null, "^/v2/.+", 0, 0, false, retryAfter);
    }

    private void restartFaults(Scenario scenario) throws IOException {
        stopFaults();
        faults = FaultProxy.start(registry, "127.0.0.1", faultPort, scenario);
    }

    private void stopFaults() throws IOException {
        if (faults != null) {
            faults.close();
            faults = null;
        }
    }

    /** skopeo pulls {@code image} from the cache; every blob it got is byte-identical to the layout's. */
    private void assertPullsIdentical(URI cache, String image, Path layout) throws Exception {
        Path back = work.resolve("pull-" + System.nanoTime());
        skopeo("copy", "--src-tls-verify=false", "docker://" + host(cache) + "/" + image, "oci:" + back + ":v1");
        assertThat(blobs(back)).isEqualTo(blobs(layout));
    }

    /** Blob file name → sha256 of its content. */
    private static Map<String, String> blobs(Path layout) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    /** A blob GET whose upstream body is bad: "cut: ..." when the body ended before its end, else "status N ...". */
    private static String refusedOrCut(URI base, String path) throws InterruptedException {
        try {
            HttpResponse<byte[]> response = get(base, path);
            return "status " + response.statusCode() + " with " + response.body().length + " bytes";
        } catch (IOException e) {
            return "cut: " + e;
        }
    }

    private static HttpResponse<byte[]> get(URI base, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(CLIENT_TIMEOUT)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String host(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    static void skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
    }
}
