package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Real clients configured with the sidecar as their mirror, as the README describes: dockerd with
 * {@code registry-mirrors} (which mirrors Docker Hub only, so its pull of {@code library/app:v1}
 * succeeds only through the cache: Docker Hub is unreachable here), containerd with a
 * {@code hosts.toml} mirror and podman with a {@code registries.conf} mirror for a registry whose
 * own host name does not resolve, so only the cache (mirror mode of an upstream Ironclad) can
 * answer. After the upstream stopped, fresh pulls still get the cached image, byte-identical:
 * dockerd's image ID is the config digest pushed, its repo digest the manifest digest.
 */
@Tag("integration")
class PullThroughMirrorClientsTest {

    private static final String MIRRORED = "registry.invalid:5000";

    @TempDir
    Path dir;

    @Test
    void dockerdContainerdAndPodmanPullThroughTheMirrorAlsoWithTheUpstreamStopped() throws Exception {
        Sidecar upstream = new Sidecar("jdbc:h2:mem:mirror-up-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("upstream"));
        Path layout = new SkopeoRoundTripTest().makeLayout(dir.resolve("image"));
        assertOk(AuthClientsTestSupport.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://127.0.0.1:" + upstream.port() + "/library/app:v1")));
        try (Sidecar cache = new Sidecar("jdbc:h2:mem:mirror-cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("cache"), Map.of("ironclad.proxy.remote-url", "http://127.0.0.1:" + upstream.port(),
                        "ironclad.proxy.tag-ttl", "0s"));
                ContainerDaemons.Containerd containerd = ContainerDaemons.Containerd.start(dir.resolve("containerd"));
                ContainerDaemons.Dockerd dockerd = ContainerDaemons.Dockerd.start(dir.resolve("dockerd"),
                        "{\"registry-mirrors\": [\"http://127.0.0.1:" + cache.port() + "\"]}")) {
            String mirror = "127.0.0.1:" + cache.port();
            JsonNode index = new ObjectMapper().readTree(layout.resolve("index.json").toFile());
            String manifestDigest = index.path("manifests").get(0).path("digest").asText();
            String configDigest = new ObjectMapper().readTree(layout.resolve("blobs/sha256").resolve(manifestDigest.substring(7)).toFile())
                    .path("config").path("digest").asText();
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
            assertDockerPullsIdentical(dockerd, configDigest, manifestDigest);

            upstream.close(); // stopped: the tag (ttl 0) is served stale, blobs from the cache
            assertOk(ctrPull(containerd, "second", ref));
            assertOk(podmanPull(registries, "second", ref));
            assertOk(AuthClientsTestSupport.run(dockerd.command("rmi", "library/app:v1")));
            assertDockerPullsIdentical(dockerd, configDigest, manifestDigest);
            assertThat(Oci.body(cache.send(cache.request("/prometheus").header("Accept", "text/plain").GET())))
                    .containsPattern("ironclad_proxy_stale_served_total\\{upstream=\"mirror\"} [1-9]");
        } finally {
            upstream.close();
        }
    }

    /** {@code docker pull library/app:v1} (Docker Hub, so through the mirror only): the image ID and repo digest are the upstream's. */
    private static void assertDockerPullsIdentical(ContainerDaemons.Dockerd dockerd, String configDigest, String manifestDigest)
            throws Exception {
        assertOk(AuthClientsTestSupport.run(dockerd.command("pull", "library/app:v1")));
        Result inspect = AuthClientsTestSupport.run(dockerd.command("image", "inspect", "--format", "{{.Id}} {{json .RepoDigests}}",
                "library/app:v1"));
        assertOk(inspect);
        assertThat(inspect.output()).contains(configDigest).contains("app@" + manifestDigest);
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
