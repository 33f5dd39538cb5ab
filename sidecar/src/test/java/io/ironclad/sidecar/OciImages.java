package io.ironclad.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * OCI image layouts written here for skopeo, without a daemon: gzip layers of seeded random
 * bytes, a config naming their diff IDs, a manifest, for a multi-arch image an index, and
 * {@code index.json} naming the top one as tag {@code t}.
 */
final class OciImages {

    static final String TAG = "t";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A gzip layer and the digest of its uncompressed bytes. */
    record Layer(byte[] bytes, String diffId) {
        String digest() {
            return Oci.digest(bytes);
        }
    }

    private OciImages() {
    }

    /** A layer of {@code size} random (so incompressible) bytes, gzip'd. */
    static Layer layer(Random random, int size) {
        byte[] raw = new byte[size];
        random.nextBytes(raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 1024);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Layer(out.toByteArray(), Oci.digest(raw));
    }

    /** A layout under {@code dir} holding one image for {@code arch}; returns the layout. */
    static Path image(Path dir, String arch, List<Layer> layers) throws IOException {
        Path layout = start(dir);
        ObjectNode top = manifest(layout, arch, layers);
        writeIndex(layout, top);
        return layout;
    }

    /** A layout under {@code dir} holding an image index with one image per architecture; returns the layout. */
    static Path multiArch(Path dir, Map<String, List<Layer>> images) throws IOException {
        Path layout = start(dir);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", Oci.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (Map.Entry<String, List<Layer>> image : images.entrySet()) {
            ObjectNode descriptor = manifest(layout, image.getKey(), image.getValue());
            descriptor.putObject("platform").put("architecture", image.getKey()).put("os", "linux");
            manifests.add(descriptor);
        }
        writeIndex(layout, descriptor(layout, Oci.OCI_INDEX, JSON.writeValueAsBytes(index)));
        return layout;
    }

    /** The digest of the manifest (or index) a layout's tag names. */
    static String topDigest(Path layout) throws IOException {
        return JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
    }

    private static Path start(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return dir;
    }

    private static ObjectNode manifest(Path layout, String arch, List<Layer> layers) throws IOException {
        ObjectNode config = JSON.createObjectNode().put("architecture", arch).put("os", "linux");
        ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.diffId()));
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", Oci.OCI_MANIFEST);
        manifest.set("config", descriptor(layout, CONFIG, JSON.writeValueAsBytes(config)));
        ArrayNode entries = manifest.putArray("layers");
        for (Layer layer : layers) {
            entries.add(descriptor(layout, LAYER, layer.bytes()));
        }
        return descriptor(layout, Oci.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
    }

    private static ObjectNode descriptor(Path layout, String mediaType, byte[] bytes) throws IOException {
        String digest = Oci.digest(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), bytes);
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", bytes.length);
    }

    private static void writeIndex(Path layout, ObjectNode top) throws IOException {
        top.putObject("annotations").put("org.opencontainers.image.ref.name", TAG);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").add(top);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    }
}
