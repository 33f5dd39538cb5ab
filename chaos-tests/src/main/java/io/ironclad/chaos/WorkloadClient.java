package io.ironclad.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** One client of the workload: pushes images under its own tags and pulls them back (see {@link Workload}). */
final class WorkloadClient implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int id;
    private final Workload workload;
    private final OciClient client;
    private final History history;
    private final SharedLayers shared;
    private final SplittableRandom random;
    private final Map<String, TagState> tags = new LinkedHashMap<>();
    private int images;

    WorkloadClient(int id, Workload workload, OciClient client, History history, SharedLayers shared, SplittableRandom random) {
        this.id = id;
        this.workload = workload;
        this.client = client;
        this.history = history;
        this.shared = shared;
        this.random = random;
    }

    @Override
    public void run() {
        while (history.count() < workload.operations() && !Thread.currentThread().isInterrupted()) {
            Optional<String> pushed = pushImage();
            List<String> known = tags.entrySet().stream().filter(e -> e.getValue().everAcknowledged()).map(Map.Entry::getKey).toList();
            if (known.isEmpty()) {
                continue;
            }
            String ref = pushed.isPresent() && random.nextDouble() < workload.pullLatestProbability()
                    ? pushed.get() : known.get(random.nextInt(known.size()));
            pull(ref);
        }
    }

    /** Pushes one image; the {@code repo:tag} key if its manifest was acknowledged. */
    private Optional<String> pushImage() {
        String repo = workload.namespace() + "/r" + random.nextInt(workload.repositories());
        int layerCount = 1 + random.nextInt(workload.maxLayers());
        ArrayNode layers = JSON.createArrayNode();
        for (int i = 0; i < layerCount; i++) {
            Optional<ObjectNode> layer = pushLayer(repo);
            if (layer.isEmpty()) {
                return Optional.empty();
            }
            layers.add(layer.get());
        }
        byte[] config = config(layers);
        Optional<String> configDigest = client.pushBlob(repo, BlobContent.of(config), workload.chunkSize());
        if (configDigest.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OciClient.MANIFEST_TYPE);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest.get(), config.length));
        manifest.set("layers", layers);
        byte[] body = manifest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = repo + ":" + chooseTag(repo);
        TagState tag = tags.computeIfAbsent(key, k -> new TagState());
        String digest = Digests.of(body);
        tag.attempted(digest);
        if (!client.putManifest(repo, tagOf(key), body)) {
            return Optional.empty();
        }
        tag.acknowledged(digest);
        return Optional.of(key);
    }

    private Optional<ObjectNode> pushLayer(String repo) {
        String type = "application/vnd.oci.image.layer.v1.tar+gzip";
        if (random.nextDouble() < workload.sharedProbability()) {
            int index = random.nextInt(workload.sharedLayers());
            BlobContent content = shared.content(index);
            Optional<String> known = shared.digest(index);
            if (known.isPresent() && client.headBlob(repo, known.get())) {
                return Optional.of(descriptor(type, known.get(), content.size()));
            }
            Optional<String> digest = client.pushBlob(repo, content, workload.chunkSize());
            digest.ifPresent(d -> shared.learned(index, d));
            return digest.map(d -> descriptor(type, d, content.size()));
        }
        BlobContent content = BlobContent.seeded(random.nextLong(), SizeWeight.draw(workload.sizes(), random));
        return client.pushBlob(repo, content, workload.chunkSize()).map(d -> descriptor(type, d, content.size()));
    }

    private void pull(String key) {
        String repo = key.substring(0, key.lastIndexOf(':'));
        Optional<byte[]> body = client.getManifest(repo, tagOf(key), tags.get(key));
        if (body.isEmpty()) {
            return;
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(body.get());
        } catch (IOException e) {
            return; // the checker already judged a body that is not one of ours
        }
        List<String> digests = new ArrayList<>();
        digests.add(manifest.path("config").path("digest").asText());
        manifest.path("layers").forEach(layer -> digests.add(layer.path("digest").asText()));
        for (String digest : digests) {
            client.getBlob(repo, digest);
        }
    }

    private String chooseTag(String repo) {
        List<String> own = tags.keySet().stream().filter(k -> k.startsWith(repo + ":")).toList();
        if (!own.isEmpty() && random.nextDouble() < workload.overwriteProbability()) {
            return tagOf(own.get(random.nextInt(own.size())));
        }
        return "c" + id + "-" + images++;
    }

    private byte[] config(ArrayNode layers) {
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.path("digest").asText()));
        // unique per image, so every config is a new blob and every manifest a new digest
        config.putObject("config").putArray("Env").add("CHAOS_IMAGE=" + workload.seed() + "-" + id + "-" + random.nextLong());
        return config.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String tagOf(String key) {
        return key.substring(key.lastIndexOf(':') + 1);
    }
}
