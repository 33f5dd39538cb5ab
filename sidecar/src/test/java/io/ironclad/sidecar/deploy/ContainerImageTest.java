package io.ironclad.sidecar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.testsupport.Await;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image the build writes (Jib, {@code target/image/ironclad-image.tar}, see
 * ops/deploy/README.md) run as an operator would: podman loads the OCI tarball and starts it with
 * an htpasswd file mounted, /v2/ and the health endpoints the Kubernetes probes use answer,
 * and skopeo pushes the Ironclad image itself into the running container and pulls it back with
 * the same manifest digest and blobs. Runs in the integration-test phase, after the image is
 * built ({@code ironclad.image.tar} names it); about a minute, most of it the image's push.
 */
@Tag("integration")
@Tag("container-image") // run by the image-test execution after package, not with the other tests
class ContainerImageTest {

    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theImageServesTheRegistryAndItsOwnImage(@TempDir Path dir) throws Exception {
        Path tar = Path.of(System.getProperty("ironclad.image.tar", "target/image/ironclad-image.tar"));
        assertThat(tar).as("the image tarball: `./mvnw verify` (or package with -Dironclad.image.skip=false) builds it before this test")
                .isRegularFile();
        Podman podman = new Podman(dir.resolve("podman"));
        String loaded = podman.podman("load", "-i", tar.toString()).ok().output();
        Matcher name = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)").matcher(loaded);
        assertThat(name.find()).as("podman load names the image: %s", loaded).isTrue();

        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, "deployer:" + bcrypt("s3cret") + "\n");
        Files.setPosixFilePermissions(htpasswd, PosixFilePermissions.fromString("rw-r--r--")); // the image runs as uid 10001
        int port = freePort();
        String container = "ironclad-image-test-" + UUID.randomUUID();
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", container, "--network", "host"));
        run.addAll(Podman.ulimits());
        run.addAll(List.of("-e", "IRONCLAD_PORT=" + port, "-e", "IRONCLAD_AUTH_HTPASSWD_FILE=/etc/ironclad/htpasswd",
                "-e", "JAVA_TOOL_OPTIONS=-Xmx384m", "-v", htpasswd + ":/etc/ironclad/htpasswd:ro", name.group(1)));
        podman.podman(run.toArray(String[]::new)).ok();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitRegistry(podman, container, base);
            assertThat(get(base.resolve("/v2/"), "deployer:s3cret").statusCode()).isEqualTo(200);
            assertThat(get(base.resolve("/health/liveness"), null).statusCode()).isEqualTo(200);
            assertThat(get(base.resolve("/health/readiness"), null).statusCode()).isEqualTo(200);

            String remote = "docker://127.0.0.1:" + port + "/ironclad/ironclad:test";
            skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "deployer:s3cret", "oci-archive:" + tar, remote);
            Path back = dir.resolve("pulled");
            skopeo("copy", "--src-tls-verify=false", "--src-creds", "deployer:s3cret", remote, "oci:" + back + ":test");
            String digest = skopeo("inspect", "--tls-verify=false", "--creds", "deployer:s3cret", "--format", "{{.Digest}}", remote).strip();
            Path digestFile = tar.resolveSibling("ironclad-image.digest");
            assertThat(digest).as("the pushed manifest is the one Jib built").isEqualTo(Files.readString(digestFile).strip());
            assertThat(blobs(back)).as("every blob came back").containsAll(tarBlobs(tar, dir));
            assertThat(podman.podman("inspect", "-f", "{{.State.Running}}", container).ok().output().strip()).isEqualTo("true");
        } finally {
            Podman.Result logs = podman.podman("logs", container);
            podman.podman("rm", "-f", "-t", "20", container);
            System.out.println("container log (tail):\n" + tail(logs.output(), 30));
        }
    }

    /** Waits until /v2/ answers 401 (it requires credentials), failing at once if the container exits; the log goes with a failure. */
    private static void awaitRegistry(Podman podman, String container, URI base) throws Exception {
        try {
            Await.until("the registry answers /v2/ with 401 within " + START_DEADLINE, START_DEADLINE, () -> {
                assertThat(state(podman, container)).as("container state").isIn("running", "created");
                return answersUnauthorized(base.resolve("/v2/"));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; log: " + podman.podman("logs", container).output(), e);
        }
    }

    private static String state(Podman podman, String container) {
        try {
            return podman.podman("inspect", "-f", "{{.State.Status}}", container).ok().output().strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while inspecting " + container, e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean answersUnauthorized(URI uri) {
        try {
            return get(uri, null).statusCode() == 401;
        } catch (java.io.IOException notListeningYet) {
            return false; // the JVM is still starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + uri, e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(URI uri, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        return Podman.run(command).ok().output();
    }

    private static List<String> blobs(Path layout) throws Exception {
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> tarBlobs(Path tar, Path dir) throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("built"));
        Podman.run(List.of("tar", "-xf", tar.toString(), "-C", unpacked.toString(), "blobs")).ok();
        return blobs(unpacked);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
