package io.ironclad.sidecar.cli.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest read from distribution's blobs whose bytes hash to its digest, waiting to be stored.
 * Its media type is what distribution would serve it as: the {@code mediaType} field, or for an
 * OCI manifest without one what its shape says. The references are read leniently, only to order
 * the import (indexes after their children) and to explain a manifest left out; the registry's
 * validation decides.
 *
 * @param digest the manifest's digest
 * @param body its bytes
 * @param mediaType its media type, or null when it names none and its shape says none
 * @param index whether it lists manifests rather than blobs
 * @param references the digests it names (config and layers, or child manifests)
 */
record ManifestCandidate(Digest digest, byte[] body, String mediaType, boolean index, List<Digest> references) {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    private static final ObjectMapper JSON = new ObjectMapper();

    static ManifestCandidate of(Digest digest, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException notJson) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new ManifestCandidate(digest, body, null, false, List.of());
        }
        boolean index = root.path("manifests").isArray();
        String mediaType = root.path("mediaType").isTextual() ? root.path("mediaType").asText()
                : root.path("schemaVersion").asInt() == 1 ? DOCKER_SCHEMA1
                : index ? OCI_INDEX : root.has("config") ? OCI_MANIFEST : null;
        List<Digest> references = new ArrayList<>();
        add(references, root.path("config"));
        root.path("layers").forEach(layer -> add(references, layer));
        root.path("manifests").forEach(child -> add(references, child));
        return new ManifestCandidate(digest, body, mediaType, index, references);
    }

    private static void add(List<Digest> references, JsonNode descriptor) {
        if (descriptor.path("digest").isTextual()) {
            try {
                references.add(Digest.parse(descriptor.path("digest").asText()));
            } catch (IllegalArgumentException notADigest) {
                // the registry's validation reports it
            }
        }
    }
}
