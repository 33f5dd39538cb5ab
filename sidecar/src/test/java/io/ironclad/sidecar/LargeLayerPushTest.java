package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer far larger than the configured segment size, pushed by {@code skopeo} (which sends a
 * whole layer as one PATCH) through the sidecar to a real Swift, is stored as segments of that
 * size, never as one object per PATCH, and comes back byte-identical. On an all-in-one started
 * with {@code IRONCLAD_SWIFT_MAX_FILE_SIZE} below the layer's size (the test's own run used
 * 50 MiB), a single-segment push would be refused by Swift itself (413).
 */
@Tag("integration")
class LargeLayerPushTest {

    private static final long SEGMENT_SIZE = 5L << 20;
    /** The layer's size; {@code -Dironclad.test.large-layer-mib} changes it. */
    private static final long LAYER_BYTES = Long.getLong("ironclad.test.large-layer-mib", 200) << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aLayerPushedInOnePatchBecomesSegmentsOfTheSegmentSizeOnRealSwift(@TempDir Path dir) throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String container = "large-" + UUID.randomUUID();
        Map<String, Object> settings = Map.of(
                "ironclad.driver.type", "swift",
                "ironclad.driver.swift.auth-url", swift.setting("IRONCLAD_SWIFT_AUTH_URL"),
                "ironclad.driver.swift.user", swift.setting("IRONCLAD_SWIFT_USER"),
                "ironclad.driver.swift.key", swift.setting("IRONCLAD_SWIFT_KEY"),
                "ironclad.driver.swift.container", container,
                "ironclad.driver.swift.segment-size", Long.toString(SEGMENT_SIZE),
                "ironclad.consistency.timeout", "30s");
        Path layout = makeLayout(dir);
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:large-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", settings, dir.resolve("data"))) {
            String remote = "docker://127.0.0.1:" + sidecar.port() + "/large/layer:v1";
            skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1", remote);

            List<Long> segments = segmentSizes(swift, container + "+segments");
            assertThat(segments).as("segments of the layer").filteredOn(size -> size > 0)
                    .hasSizeGreaterThanOrEqualTo((int) (LAYER_BYTES / SEGMENT_SIZE))
                    .allMatch(size -> size <= SEGMENT_SIZE);

            Path back = dir.resolve("back");
            skopeo("copy", "--src-tls-verify=false", "--dest-oci-accept-uncompressed-layers", remote, "oci:" + back + ":v1");
            Path layer = layout.resolve("blobs/sha256").resolve(layerHex);
            assertThat(Files.mismatch(layer, back.resolve("blobs/sha256").resolve(layerHex))).as("layer read back").isEqualTo(-1);
        }
    }

    private String layerHex;

    /** An OCI layout whose one uncompressed layer is a tar of one seeded-random file of about {@link #LAYER_BYTES}. */
    private Path makeLayout(Path dir) throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        Random random = new Random(11);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(content.resolve("weights.bin"))) {
            for (long written = 0; written < LAYER_BYTES - (64 << 10); written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, LAYER_BYTES - (64 << 10) - written));
            }
        }
        Path layout = Files.createDirectories(dir.resolve("layout"));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        Path tar = dir.resolve("layer.tar");
        run(List.of("tar", "cf", tar.toString(), "-C", content.toString(), "."));
        Files.delete(content.resolve("weights.bin"));
        layerHex = sha256Hex(tar);
        long layerSize = Files.size(tar);
        Files.move(tar, blobs.resolve(layerHex));

        ObjectNode config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add("sha256:" + layerHex);
        byte[] configBytes = json.writeValueAsBytes(config);
        ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2).put("mediaType", Oci.OCI_MANIFEST);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(blobs, configBytes), configBytes.length));
        manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar", "sha256:" + layerHex, layerSize));
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        ObjectNode index = json.createObjectNode().put("schemaVersion", 2);
        ObjectNode entry = descriptor(Oci.OCI_MANIFEST, blob(blobs, manifestBytes), manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "v1");
        index.putArray("manifests").add(entry);
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return layout;
    }

    /** Sizes of the objects in a container, by Swift's own JSON listing. */
    private List<Long> segmentSizes(OpsService swift, String container) throws Exception {
        HttpResponse<Void> auth = http.send(HttpRequest.newBuilder(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")))
                .header("X-Auth-User", swift.setting("IRONCLAD_SWIFT_USER")).header("X-Auth-Key", swift.setting("IRONCLAD_SWIFT_KEY"))
                .build(), HttpResponse.BodyHandlers.discarding());
        String url = auth.headers().firstValue("X-Storage-Url").orElseThrow();
        String token = auth.headers().firstValue("X-Auth-Token").orElseThrow();
        List<Long> sizes = new ArrayList<>();
        String marker = "";
        while (true) {
            HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(URI.create(url + "/" + encode(container) + "?format=json&marker="
                    + encode(marker))).header("X-Auth-Token", token).header("X-Newest", "true").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(page.statusCode()).as("listing %s", container).isEqualTo(200);
            JsonNode objects = json.readTree(page.body());
            if (objects.isEmpty()) {
                return sizes;
            }
            for (JsonNode object : objects) {
                sizes.add(object.path("bytes").asLong());
                marker = object.path("name").asText();
            }
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ObjectNode descriptor(String mediaType, String digest, long size) {
        return json.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String blob(Path blobs, byte[] bytes) throws Exception {
        String digest = Digests.sha256(bytes).toString();
        Files.write(blobs.resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static String sha256Hex(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
    }
}
