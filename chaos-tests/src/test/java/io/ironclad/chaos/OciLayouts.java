package io.ironclad.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** OCI image layouts for skopeo, made without a daemon: one gzip'd layer of seeded bytes, a config, a manifest, tag v1. */
final class OciLayouts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciLayouts() {
    }

    static Path make(Path dir, long seed, int layerBytes) throws IOException {
        byte[] raw = new byte[layerBytes];
        new Random(seed).nextBytes(raw);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw); // not a tar: skopeo copies layers as opaque blobs
        }
        byte[] layer = gz.toByteArray();
        Path layout = Files.createDirectories(dir.resolve("blobs/sha256")).getParent().getParent();
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(sha256(raw));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(layout, configBytes), configBytes.length));
        manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(layout, layer), layer.length));
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        ObjectNode entry = descriptor("application/vnd.oci.image.manifest.v1+json", blob(layout, manifestBytes), manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "v1");
        index.putArray("manifests").add(entry);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return layout;
    }

    /** The digest of the layout's (only) layer. */
    static String layerDigest(Path layout) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String manifest = index.path("manifests").get(0).path("digest").asText();
        JsonNode m = JSON.readTree(layout.resolve("blobs/sha256").resolve(manifest.substring(7)).toFile());
        return m.path("layers").get(0).path("digest").asText();
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String blob(Path layout, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
