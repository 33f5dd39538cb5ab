package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.testsupport.DockerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull-through scenario side by side, at CI size: the sidecar jar in mirror mode and the
 * Debian docker-registry in proxy mode ({@code proxy.remoteurl}), both caching one real upstream
 * (a docker-registry with images pushed by skopeo), each through its own {@link FlappingUpstream}
 * in the same phase: 5xx bursts, 429 with Retry-After, latency past Ironclad's request timeout,
 * resets, truncated and corrupted bodies, the upstream stopped, healthy in between. Ironclad must
 * serve no corrupt body and fail no pull of an image it has cached (the staleness period is 1 h);
 * the peer's figures are printed, not asserted. A longer run: {@code -Dironclad.chaos.pull-through.cycles=10}
 * (and {@code .phase-ms}, {@code .clients}); its table is in CHAOS.md.
 */
@Tag("integration")
class PullThroughSideBySideTest {

    private static final int CYCLES = Integer.getInteger("ironclad.chaos.pull-through.cycles", 2);
    private static final Duration PHASE = Duration.ofMillis(Long.getLong("ironclad.chaos.pull-through.phase-ms", 2000));
    private static final int CLIENTS = Integer.getInteger("ironclad.chaos.pull-through.clients", 4);
    private static final int WARM = 3;

    @TempDir
    Path work;

    @Test
    void ironcladServesNoCorruptBodyAndFailsNoCachedPullWhileTheUpstreamFlaps() throws Exception {
        try (DockerRegistry upstream = DockerRegistry.start(new DockerRegistry.FilesystemStorage(
                Files.createDirectories(work.resolve("upstream"))), work)) {
            List<PullThroughImage> images = new ArrayList<>();
            for (int i = 0; i < WARM + PullThroughChaos.phases(CYCLES); i++) {
                Path layout = OciLayouts.make(work.resolve("image-" + i), 100 + i, (128 << 10) * (1 + i % 3));
                String repository = "library/app" + i;
                PullThroughFaultsTest.skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                        "docker://" + upstream.url().getAuthority() + "/" + repository + ":v1");
                images.add(PullThroughImage.of(repository, layout));
            }
            FlappingUpstream ironcladFront = new FlappingUpstream(upstream.url());
            FlappingUpstream peerFront = new FlappingUpstream(upstream.url());
            SidecarProcess ironclad = new SidecarProcess(Files.createDirectories(work.resolve("ironclad")), SidecarProcess.freePort(), Map.of(
                    "ironclad.data-dir", work.resolve("ironclad/data").toString(),
                    "datasources.default.url", "jdbc:h2:file:" + work.resolve("ironclad/data/metadata") + ";DB_CLOSE_ON_EXIT=FALSE",
                    "ironclad.proxy.remote-url", ironcladFront.uri().toString(),
                    "ironclad.proxy.tag-ttl", "1s",
                    "ironclad.proxy.staleness-period", "1h",
                    "ironclad.proxy.connect-timeout", "2s",
                    "ironclad.proxy.request-timeout", "2s"));
            // healthy to begin with: docker-registry's proxy mode asks its upstream at start and exits if it does not answer
            ironcladFront.enter(FlappingUpstream.CYCLE.get(0));
            peerFront.enter(FlappingUpstream.CYCLE.get(0));
            try (ironcladFront; peerFront; ironclad;
                    DockerRegistry peer = DockerRegistry.startProxy(new DockerRegistry.FilesystemStorage(
                            Files.createDirectories(work.resolve("peer"))), work, peerFront.uri())) {
                ironclad.start();
                List<PullThroughImage> warm = images.subList(0, WARM);
                PullThroughChaos.warm(ironclad.uri(), warm);
                PullThroughChaos.warm(peer.url(), warm);

                PullThroughChaos chaos = new PullThroughChaos(warm, images.subList(WARM, images.size()), CLIENTS, PHASE, CYCLES, 7);
                List<PullThroughChaos.Stats> stats = chaos.run(List.of(
                        new PullThroughChaos.Target("ironclad", ironclad.uri(), ironcladFront),
                        new PullThroughChaos.Target("docker-registry", peer.url(), peerFront)));
                System.out.print(chaos.table(stats));
                stats.forEach(s -> s.examples().forEach(e -> System.out.println(s.target() + ": " + e)));

                PullThroughChaos.Stats result = stats.get(0);
                assertThat(result.pulls()).as("pulls through Ironclad").isGreaterThan(20L * CYCLES);
                assertThat(result.injected().values().stream().mapToLong(Long::longValue).sum())
                        .as("faults injected in front of Ironclad's upstream").isPositive();
                assertThat(result.corruptServed()).as("corrupt bodies served by Ironclad: " + result.examples()).isZero();
                assertThat(result.failedCached()).as("failed pulls of images Ironclad had cached: " + result.examples()).isZero();
                assertThat(result.ok()).as("verified pulls through Ironclad").isPositive();
                assertThat(result.injected()).as("body faults met first fetches").containsKeys("truncate", "flip");
            }
        }
    }
}
