package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client: {@code skopeo} (Debian package, must be installed) copies an OCI layout made
 * here (gzip tar layer, config, manifest, index.json, oci-layout) into the sidecar on the
 * filesystem driver and on a real Swift, and back; the blobs that come back have the digests that went in.
 */
@Tag("integration")
class SkopeoRoundTripTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void copiesAnOciLayoutInAndBackOnTheFilesystemDriver(@TempDir Path dir) throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        try (Sidecar sidecar = new Sidecar(database(), driver, dir.resolve("data"))) {
            roundTrip(sidecar, dir);
        }
    }

    /**
     * The sidecar configured as an operator would ({@code ironclad.driver.type=swift}) on the real
     * Swift all-in-one, with a segment size small enough that the layer becomes a Static Large Object.
     */
    @Test
    void copiesAnOciLayoutInAndBackOnRealSwift(@TempDir Path dir) throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        Map<String, Object> settings = Map.of(
                "ironclad.driver.type", "swift",
                "ironclad.driver.swift.auth-url", swift.setting("IRONCLAD_SWIFT_AUTH_URL"),
                "ironclad.driver.swift.user", swift.setting("IRONCLAD_SWIFT_USER"),
                "ironclad.driver.swift.key", swift.setting("IRONCLAD_SWIFT_KEY"),
                "ironclad.driver.swift.container", "sidecar-" + UUID.randomUUID(),
                "ironclad.driver.swift.segment-size", "65536");
        try (Sidecar sidecar = new Sidecar(database(), settings, dir.resolve("data"))) {
            roundTrip(sidecar, dir);
            assertThat(sidecar.bean(StorageDriver.class).name()).isEqualTo("swift");
        }
    }

    private void roundTrip(Sidecar sidecar, Path dir) throws Exception {
        Path layout = makeLayout(dir);
        String remote = "docker://127.0.0.1:" + sidecar.port() + "/skopeo/app:v1";
        skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", remote);
        Path back = dir.resolve("back");
        skopeo("copy", "--src-tls-verify=false", remote, "oci:" + back + ":v1");
        assertThat(blobNames(back)).isEqualTo(blobNames(layout)).hasSize(3);
        assertThat(Oci.body(Oci.get(sidecar, "/v2/skopeo/app/tags/list"))).contains("\"v1\"");
    }

    private static String database() {
        return "jdbc:h2:mem:skopeo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    static List<String> blobNames(Path layout) throws IOException {
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** An OCI image layout (one gzip layer, config, manifest, tag v1) under {@code dir}/layout. */
    Path makeLayout(Path dir) throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        byte[] file = new byte[300_000];
        new Random(1).nextBytes(file);
        Files.write(content.resolve("data.bin"), file);
        Path tar = dir.resolve("layer.tar");
        run(List.of("tar", "cf", tar.toString(), "-C", content.toString(), "."));
        run(List.of("gzip", "-k", tar.toString()));
        byte[] layer = Files.readAllBytes(dir.resolve("layer.tar.gz"));

        Path layout = Files.createDirectories(dir.resolve("layout"));
        Files.createDirectories(layout.resolve("blobs/sha256"));
        ObjectNode config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(sha256(Files.readAllBytes(tar)));
        byte[] configBytes = json.writeValueAsBytes(config);
        ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2).put("mediaType", Oci.OCI_MANIFEST);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(layout, configBytes), configBytes.length));
        manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(layout, layer), layer.length));
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        ObjectNode index = json.createObjectNode().put("schemaVersion", 2);
        ObjectNode entry = descriptor(Oci.OCI_MANIFEST, blob(layout, manifestBytes), manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "v1");
        index.putArray("manifests").add(entry);
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return layout;
    }

    private ObjectNode descriptor(String mediaType, String digest, long size) {
        return json.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String blob(Path layout, byte[] bytes) throws Exception {
        String digest = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return Digests.sha256(bytes).toString();
    }

    private static void skopeo(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
    }
}
