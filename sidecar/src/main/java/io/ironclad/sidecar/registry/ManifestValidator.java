package io.ironclad.sidecar.registry;

import static io.ironclad.sidecar.registry.OciGrammar.quote;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ironclad.driver.Digest;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a pushed manifest the way the OCI image and distribution specs and CNCF distribution do,
 * before any of it reaches the database: every refusal is a {@link ErrorCode#MANIFEST_INVALID}
 * with a message naming the field.
 *
 * <ul>
 *   <li>The body is one JSON object: no duplicate keys (parsers disagree on which one wins), no
 *       trailing content; {@code schemaVersion} is the number 2.</li>
 *   <li>The media type is the body's {@code mediaType} or the {@code Content-Type}; when both are
 *       present they agree. OCI and Docker schema 2 manifests and indexes are accepted. Docker
 *       schema 1 (deprecated, signed with keys nobody verifies) is refused, as distribution does
 *       by default.</li>
 *   <li>An index has {@code manifests}, a list of descriptors, and no {@code config} or
 *       {@code layers}; an image manifest has a {@code config} descriptor, a {@code layers} list
 *       of descriptors and no {@code manifests}: a document must not be readable as both
 *       (CVE-2021-41190).</li>
 *   <li>A descriptor has an RFC 6838 {@code mediaType}, a supported {@code digest} and a
 *       non-negative integer {@code size}; {@code data}, when present, has that size (and,
 *       for sha256, that digest).
 *       {@code subject} is a descriptor, {@code artifactType} a media type, annotations map
 *       strings to strings.</li>
 * </ul>
 *
 * What is stored in bounded columns is bounded by the grammar: media types and artifact types
 * at {@link OciGrammar#MAX_MEDIA_TYPE_LENGTH}, digests by their algorithm's length.
 */
final class ManifestValidator {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
    static final Set<String> SCHEMA1 = Set.of(
            "application/vnd.docker.distribution.manifest.v1+json", "application/vnd.docker.distribution.manifest.v1+prettyjws");

    /**
     * A manifest that passed validation: what the registry records besides the bytes.
     *
     * @param mediaType one of {@link #IMAGE_MANIFESTS} or {@link #INDEXES}, lower case
     * @param references blobs (config and layers) of an image manifest, manifests of an index,
     *     in document order; each must be present in the repository
     * @param subject the manifest this one refers to (referrers API), which need not be present
     * @param artifactType the {@code artifactType}, else an image manifest's config media type
     */
    record ValidatedManifest(String mediaType, List<Digest> references, Optional<Digest> subject, Optional<String> artifactType) {

        /** Whether the references are manifests (an index) rather than blobs. */
        boolean isIndex() {
            return INDEXES.contains(mediaType);
        }
    }

    private record Descriptor(String mediaType, Digest digest, long size) {
    }

    private final ObjectReader reader;

    ManifestValidator(ObjectMapper json) {
        this.reader = json.readerFor(JsonNode.class)
                .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Validates {@code body} as pushed with {@code contentType} (the header, null when absent). */
    ValidatedManifest validate(@Nullable String contentType, byte[] body) {
        JsonNode root = readObject(body);
        String mediaType = mediaType(root, OciGrammar.contentType(contentType, ErrorCode.MANIFEST_INVALID));
        boolean index = INDEXES.contains(mediaType);
        List<Digest> references = index ? indexReferences(root) : imageReferences(root);
        Optional<Digest> subject = optional(root, "subject").map(s -> descriptor("subject", s).digest());
        Optional<String> artifactType = optional(root, "artifactType").map(t -> mediaTypeValue("artifactType", t));
        annotations("annotations", root);
        // an image manifest without artifactType is of its config's type (validated above)
        Optional<String> configType = index ? Optional.empty() : Optional.of(root.get("config").get("mediaType").asText());
        return new ValidatedManifest(mediaType, references, subject, artifactType.or(() -> configType));
    }

    private static List<Digest> indexReferences(JsonNode root) {
        forbid(root, "an index", "config", "layers");
        return descriptors(root, "manifests").stream().map(Descriptor::digest).toList();
    }

    private static List<Digest> imageReferences(JsonNode root) {
        forbid(root, "an image manifest", "manifests");
        List<Digest> references = new ArrayList<>();
        references.add(descriptor("config", required(root, "config")).digest());
        descriptors(root, "layers").forEach(d -> references.add(d.digest()));
        return List.copyOf(references);
    }

    /** {@code body} as a JSON object; anything else is MANIFEST_INVALID. */
    JsonNode readObject(byte[] body) {
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (StreamConstraintsException e) {
            throw invalid("manifest exceeds the JSON parser's limits (nesting depth, number or string length)");
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "manifest has a duplicate field" : "manifest is not valid JSON";
            throw invalid(what + at(e.getLocation()));
        } catch (IOException e) {
            throw invalid("manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest is not a JSON object");
        }
        return root;
    }

    private static String mediaType(JsonNode root, Optional<String> header) {
        Optional<String> declared = optional(root, "mediaType").map(t -> mediaTypeValue("mediaType", t).toLowerCase(Locale.ROOT));
        if (declared.isPresent() && header.isPresent() && !declared.equals(header)) {
            throw invalid("the manifest's mediaType " + quote(declared.get()) + " disagrees with Content-Type " + quote(header.get()));
        }
        String type = declared.or(() -> header)
                .orElseThrow(() -> invalid("manifest has no media type: send a Content-Type or a mediaType field"));
        JsonNode version = root.path("schemaVersion");
        if (SCHEMA1.contains(type) || version.isIntegralNumber() && version.asLong() == 1) {
            throw invalid("Docker schema 1 manifests are not accepted (deprecated; distribution refuses them too): push schema 2 or OCI");
        }
        if (!IMAGE_MANIFESTS.contains(type) && !INDEXES.contains(type)) {
            throw invalid("unsupported manifest media type " + quote(type) + "; accepted: " + OCI_MANIFEST + ", " + OCI_INDEX
                    + ", " + DOCKER_MANIFEST + ", " + DOCKER_LIST);
        }
        if (!version.isIntegralNumber() || version.asLong() != 2) {
            throw invalid("schemaVersion must be the number 2");
        }
        return type;
    }

    private static void forbid(JsonNode root, String kind, String... fields) {
        for (String field : fields) {
            if (root.has(field)) {
                throw invalid(kind + " must not have '" + field + "': a document that reads as both an index and an image manifest"
                        + " is ambiguous (CVE-2021-41190)");
            }
        }
    }

    private static List<Descriptor> descriptors(JsonNode root, String field) {
        JsonNode list = required(root, field);
        if (!list.isArray()) {
            throw invalid("'" + field + "' must be a list of descriptors");
        }
        List<Descriptor> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(descriptor(field + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    private static Descriptor descriptor(String path, JsonNode node) {
        if (!node.isObject()) {
            throw invalid("'" + path + "' must be a descriptor (an object with mediaType, digest and size)");
        }
        String mediaType = mediaTypeValue(path + ".mediaType", required(node, "mediaType", path));
        Digest digest = digest(path + ".digest", required(node, "digest", path));
        JsonNode size = required(node, "size", path);
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
            throw invalid("'" + path + ".size' must be a non-negative integer");
        }
        optional(node, "artifactType").ifPresent(t -> mediaTypeValue(path + ".artifactType", t));
        optional(node, "urls").ifPresent(urls -> strings(path + ".urls", urls));
        optional(node, "platform").filter(p -> !p.isObject()).ifPresent(p -> {
            throw invalid("'" + path + ".platform' must be an object");
        });
        annotations(path + ".annotations", node);
        Descriptor descriptor = new Descriptor(mediaType, digest, size.asLong());
        optional(node, "data").ifPresent(data -> embeddedData(path, data, descriptor));
        return descriptor;
    }

    /** Embedded {@code data} must be the very content the descriptor names. */
    private static void embeddedData(String path, JsonNode data, Descriptor descriptor) {
        byte[] bytes;
        try {
            bytes = data.isTextual() ? Base64.getDecoder().decode(data.asText()) : null;
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null) {
            throw invalid("'" + path + ".data' must be base64");
        }
        if (bytes.length != descriptor.size()
                || descriptor.digest().algorithm() == Digest.Algorithm.SHA256 && !Digests.sha256(bytes).equals(descriptor.digest())) {
            throw invalid("'" + path + ".data' does not match the descriptor's digest and size");
        }
    }

    private static String mediaTypeValue(String path, JsonNode node) {
        if (!node.isTextual() || !OciGrammar.isMediaType(node.asText())) {
            throw invalid("'" + path + "' must be a media type (RFC 6838 type/subtype, at most "
                    + OciGrammar.MAX_MEDIA_TYPE_LENGTH + " characters), not " + shown(node));
        }
        return node.asText();
    }

    private static Digest digest(String path, JsonNode node) {
        try {
            return OciGrammar.digest(node.isTextual() ? node.asText() : null);
        } catch (RegistryException e) {
            throw invalid("'" + path + "': " + e.detail());
        }
    }

    private static void annotations(String path, JsonNode parent) {
        optional(parent, "annotations").ifPresent(map -> {
            if (!map.isObject()) {
                throw invalid("'" + path + "' must be an object of strings");
            }
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                if (!e.getValue().isTextual()) {
                    throw invalid("'" + path + "' value of " + quote(e.getKey()) + " must be a string");
                }
            }
        });
    }

    private static void strings(String path, JsonNode node) {
        if (!node.isArray()) {
            throw invalid("'" + path + "' must be a list of strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw invalid("'" + path + "' must be a list of strings");
            }
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        return required(node, field, null);
    }

    private static JsonNode required(JsonNode node, String field, @Nullable String parent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw invalid((parent == null ? "manifest" : "'" + parent + "'") + " has no '" + field + "'");
        }
        return value;
    }

    /** The field, absent when missing or JSON null (as Go's decoder, which distribution uses, reads it). */
    private static Optional<JsonNode> optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    private static String shown(JsonNode node) {
        return node.isTextual() ? quote(node.asText()) : "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String at(@Nullable JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
    }
}
