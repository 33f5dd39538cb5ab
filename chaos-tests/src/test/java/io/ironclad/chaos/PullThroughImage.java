package io.ironclad.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image pushed to the upstream of a pull-through cache, as the pullers know it beforehand: the
 * digest its tag names and the digests and sizes of its blobs, so every byte a cache serves can
 * be checked against what the upstream really holds.
 *
 * @param repository repository on the upstream (and on a mirror-mode cache)
 * @param tag its tag
 * @param manifestDigest what the tag names
 * @param blobs config first, then the layers
 */
record PullThroughImage(String repository, String tag, String manifestDigest, List<Blob> blobs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blob of the image. */
    record Blob(String digest, long size) {
    }

    PullThroughImage {
        blobs = List.copyOf(blobs);
    }

    String reference() {
        return repository + ":" + tag;
    }

    /** The image of an {@link OciLayouts} layout (tag v1), to be pushed as {@code repository:v1}. */
    static PullThroughImage of(String repository, Path layout) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String manifestDigest = index.path("manifests").get(0).path("digest").asText();
        JsonNode manifest = JSON.readTree(layout.resolve("blobs/sha256").resolve(manifestDigest.substring(7)).toFile());
        List<Blob> blobs = new ArrayList<>();
        blobs.add(blob(manifest.path("config")));
        manifest.path("layers").forEach(layer -> blobs.add(blob(layer)));
        return new PullThroughImage(repository, "v1", manifestDigest, blobs);
    }

    private static Blob blob(JsonNode descriptor) {
        return new Blob(descriptor.path("digest").asText(), descriptor.path("size").asLong());
    }
}
