package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.AuthClientsTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients configured with the sidecar as their mirror, as the README describes: containerd
 * with a {@code hosts.toml} mirror and podman with a {@code registries.conf} mirror for a registry
 * whose own host name does not resolve, so only the cache (mirror mode of an upstream Ironclad)
 * can answer. After the upstream stopped, a fresh client still pulls the cached image.
 */
@Tag("integration")
class PullThroughMirrorClientsTest {

    private static final String MIRRORED = "registry.invalid:5000";

    @TempDir
    Path dir;

    @Test
    void containerdAndPodmanPullThroughTheMirrorAlsoWithTheUpstreamStopped() throws Exception {
        Sidecar upstream = new Sidecar("jdbc:h2:mem:mirror-up-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("upstream"));
        Path layout = new SkopeoRoundTripTest().makeLayout(dir.resolve("image"));
        assertOk(AuthClientsTestSupport.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://127.0.0.1:" + upstream.port() + "/library/app:v1")));
        try (Sidecar cache = new Sidecar("jdbc:h2:mem:mirror-cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("cache"), Map.of("ironclad.proxy.remote-url", "http://127.0.0.1:" + upstream.port(),
                        "ironclad.proxy.tag-ttl", "0s"));
                ContainerDaemons.Containerd containerd = ContainerDaemons.Containerd.start(dir.resolve("containerd"))) {
            String mirror = "127.0.0.1:" + cache.port();
            Path hosts = Files.createDirectories(dir.resolve("hosts").resolve(MIRRORED));
            Files.writeString(hosts.resolve("hosts.toml"), """
                    server = "http://%s"
                    [host."http://%s"]
                      capabilities = ["pull", "resolve"]
                    """.formatted(MIRRORED, mirror));
            Path registries = dir.resolve("registries.conf");
            Files.writeString(registries, """
                    [[registry]]
                    location = "%s"
                    insecure = true
                    [[registry.mirror]]
                    location = "%s"
                    insecure = true
                    """.formatted(MIRRORED, mirror));
            String ref = MIRRORED + "/library/app:v1";

            assertOk(ctrPull(containerd, "first", ref));
            assertOk(podmanPull(registries, "first", ref));

            upstream.close(); // stopped: the tag (ttl 0) is served stale, blobs from the cache
            assertOk(ctrPull(containerd, "second", ref));
            assertOk(podmanPull(registries, "second", ref));
            assertThat(Oci.body(cache.send(cache.request("/prometheus").header("Accept", "text/plain").GET())))
                    .containsPattern("ironclad_proxy_stale_served_total\\{upstream=\"mirror\"} [1-9]");
        } finally {
            upstream.close();
        }
    }

    /** {@code ctr content fetch} in a fresh namespace: every blob of the image, digests verified by containerd. */
    private Result ctrPull(ContainerDaemons.Containerd containerd, String namespace, String ref) throws Exception {
        List<String> command = new ArrayList<>(containerd.ctr("-n", namespace, "content", "fetch", "--hosts-dir", dir.resolve("hosts").toString(), ref));
        return AuthClientsTestSupport.run(command);
    }

    private Result podmanPull(Path registries, String store, String ref) throws Exception {
        Path root = dir.resolve("podman-" + store);
        return AuthClientsTestSupport.run(List.of("env", "CONTAINERS_REGISTRIES_CONF=" + registries, "podman", "--root", root.resolve("root").toString(),
                "--runroot", root.resolve("run").toString(), "--storage-driver", "vfs", "pull", ref));
    }

    private static void assertOk(Result result) {
        assertThat(result.exit()).as(result.output()).isZero();
    }
}
