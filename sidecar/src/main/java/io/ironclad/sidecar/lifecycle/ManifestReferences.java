package io.ironclad.sidecar.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stored manifest references, read leniently from its content: the config and layers of an
 * image manifest (blobs), the manifests of an index (children). Used for manifests whose
 * references were not recorded at PUT (stored before V20, or adopted by an import); a descriptor
 * that does not parse protects nothing, and an unparseable manifest references nothing.
 */
record ManifestReferences(List<Digest> blobs, List<Digest> children) {

    ManifestReferences {
        blobs = List.copyOf(blobs);
        children = List.copyOf(children);
    }

    static ManifestReferences of(ObjectMapper json, byte[] content) {
        JsonNode root;
        try {
            root = json.readTree(content);
        } catch (IOException e) {
            return new ManifestReferences(List.of(), List.of());
        }
        if (root == null || !root.isObject()) {
            return new ManifestReferences(List.of(), List.of());
        }
        List<Digest> blobs = new ArrayList<>();
        add(root.path("config"), blobs);
        root.path("layers").forEach(layer -> add(layer, blobs));
        root.path("blobs").forEach(blob -> add(blob, blobs));   // artifact manifests
        root.path("fsLayers").forEach(layer -> add(layer.path("blobSum"), blobs)); // schema 1
        List<Digest> children = new ArrayList<>();
        root.path("manifests").forEach(child -> add(child, children));
        return new ManifestReferences(blobs, children);
    }

    private static void add(JsonNode descriptor, List<Digest> into) {
        JsonNode digest = descriptor.isTextual() ? descriptor : descriptor.path("digest");
        if (digest.isTextual()) {
            try {
                into.add(Digest.parse(digest.asText()));
            } catch (IllegalArgumentException e) {
                // not a digest: nothing to keep for it
            }
        }
    }
}
