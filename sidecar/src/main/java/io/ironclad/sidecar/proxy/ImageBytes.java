package io.ironclad.sidecar.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The bytes a cached manifest stands for, for the size bound: its own, plus its config's and its
 * layers' as its descriptors name them (an index counts only itself; its children are cached
 * manifests of their own). Read from a manifest the cache verified and validated already.
 */
final class ImageBytes {

    private ImageBytes() {
    }

    static long of(ObjectMapper json, byte[] manifest) {
        long bytes = manifest.length;
        try {
            JsonNode root = json.readTree(manifest);
            bytes += Math.max(0, root.path("config").path("size").asLong(0));
            for (JsonNode layer : root.path("layers")) {
                bytes += Math.max(0, layer.path("size").asLong(0));
            }
        } catch (IOException e) {
            // not JSON: validation refused it before it was stored; count its own bytes
        }
        return bytes;
    }
}
