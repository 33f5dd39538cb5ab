package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.DockerRegistry;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The short side-by-side of issue 6: the same seeded workload (500+ operations each) against
 * (a) the Ironclad sidecar and (b) the Debian docker-registry (CNCF distribution 2.8.2), both on
 * the real Swift all-in-one behind a fault proxy running ops/chaos/object-lag.json, whose 2 s
 * lag is below the sidecar's 15 s consistency timeout. Ironclad must serve no corrupt blob and
 * fail no operation; the peer's figures are printed, not asserted. Each target has its own
 * proxy with the same scenario, so the two run at once and injection counts stay separate.
 */
@Tag("integration")
class SideBySideTest {

    private static final Duration CONSISTENCY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final int OPERATIONS = 500;

    private final List<Process> processes = new ArrayList<>();
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final List<DockerRegistry> peers = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        peers.forEach(DockerRegistry::close);
        for (FaultProxy proxy : proxies) {
            proxy.close();
        }
    }

    @Test
    void ironcladServesNoCorruptBlobAndFailsNothingUnderLagBelowItsTimeout() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        URI authUrl = URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL"));
        URI upstream = authUrl.resolve("/");
        Path root = projectRoot();
        Scenario scenario = Scenario.read(root.resolve("ops/chaos/object-lag.json"));
        assertThat(Duration.ofMillis(scenario.lag().millis())).isLessThan(CONSISTENCY_TIMEOUT);
        Path work = Files.createDirectories(Path.of("target", "chaos-it", Long.toString(System.currentTimeMillis())).toAbsolutePath());

        FaultProxy ironcladProxy = proxy(upstream, scenario);
        FaultProxy peerProxy = proxy(upstream, scenario);
        URI ironclad = startSidecar(root, work, ironcladProxy.uri().resolve(authUrl.getPath()), swift);
        URI peer = startPeer(work, peerProxy.uri().resolve(authUrl.getPath()), swift);
        awaitReady(ironclad);

        Workload workload = Workload.defaults(4, OPERATIONS, 7);
        ChaosReport report = SideBySide.runAtOnce(List.of(new SideBySide.Target("ironclad", ironclad), new SideBySide.Target("peer", peer)),
                List.of(ironcladProxy::injected, peerProxy::injected), workload, scenario);
        List<TargetReport> targets = report.targets();
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("report.json").toFile(), report);
        System.out.print(ReportTable.render(report));

        TargetReport result = targets.get(0);
        assertThat(result.operations()).isGreaterThanOrEqualTo(OPERATIONS);
        assertThat(result.injected().getOrDefault("lag_404", 0L) + result.injected().getOrDefault("lag_previous", 0L))
                .as("the proxy injected lag into Ironclad's reads").isPositive();
        assertThat(result.corruptServed()).as("corrupt blobs served by Ironclad").isZero();
        assertThat(result.failures()).as("failed Ironclad operations").isEmpty();
        assertThat(result.failedOperations()).isZero();
    }

    private FaultProxy proxy(URI upstream, Scenario scenario) throws IOException {
        FaultProxy proxy = FaultProxy.start(upstream, "127.0.0.1", 0, scenario);
        proxies.add(proxy);
        return proxy;
    }

    private URI startSidecar(Path root, Path work, URI authUrl, OpsService swift) throws IOException {
        Path jar = root.resolve("sidecar/target/ironclad-sidecar.jar");
        assertThat(jar).as("built by the sidecar module's package phase").isRegularFile();
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx512m",
                "-Dmicronaut.server.port=" + port,
                "-Dironclad.data-dir=" + work.resolve("sidecar"),
                "-Dironclad.driver.type=swift",
                "-Dironclad.driver.swift.auth-url=" + authUrl,
                "-Dironclad.driver.swift.user=" + swift.setting("IRONCLAD_SWIFT_USER"),
                "-Dironclad.driver.swift.key=" + swift.setting("IRONCLAD_SWIFT_KEY"),
                "-Dironclad.driver.swift.container=chaos-it-" + work.getFileName(),
                "-Dironclad.driver.swift.segment-size=1048576",
                "-Dironclad.consistency.timeout=" + CONSISTENCY_TIMEOUT.toSeconds() + "s",
                "-jar", jar.toString(), "serve");
        start(command, work.resolve("sidecar.log"));
        return URI.create("http://127.0.0.1:" + port);
    }

    private URI startPeer(Path work, URI authUrl, OpsService swift) throws IOException {
        DockerRegistry peer = DockerRegistry.start(new DockerRegistry.SwiftStorage(authUrl, swift.setting("IRONCLAD_SWIFT_USER"),
                swift.setting("IRONCLAD_SWIFT_KEY"), "chaos-peer-" + work.getFileName()), work);
        peers.add(peer);
        return peer.url();
    }

    private void start(List<String> command, Path log) throws IOException {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    private void awaitReady(URI registry) {
        Await.until(registry + "/v2/ answers 200", START_DEADLINE, () -> {
            processes.forEach(p -> assertThat(p.isAlive()).as("started process " + p.info().command().orElse("?")).isTrue());
            return DockerRegistry.answersV2(registry);
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Path projectRoot() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("ops/chaos")) && Files.isDirectory(at.resolve("sidecar"))) {
                return at;
            }
        }
        throw new IllegalStateException("project root (with ops/chaos and sidecar) not found above " + Path.of("").toAbsolutePath());
    }
}
