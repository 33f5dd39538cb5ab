package io.ironclad.sidecar.registry;

import static io.ironclad.sidecar.registry.ManifestValidator.DOCKER_LIST;
import static io.ironclad.sidecar.registry.ManifestValidator.DOCKER_MANIFEST;
import static io.ironclad.sidecar.registry.ManifestValidator.OCI_INDEX;
import static io.ironclad.sidecar.registry.ManifestValidator.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.registry.ManifestValidator.ValidatedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    private static final String CONFIG_DIGEST = Digests.sha256(CONFIG).toString();
    private static final String LAYER_DIGEST = Digests.sha256(new byte[] {1, 2, 3}).toString();
    private static final String LONG_TYPE = "application/" + "x".repeat(288);

    private final ManifestValidator validator = new ManifestValidator(JSON);

    static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    static ObjectNode image() {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OCI_MANIFEST);
        m.set("config", descriptor("application/vnd.oci.image.config.v1+json", CONFIG_DIGEST, CONFIG.length));
        m.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", LAYER_DIGEST, 3));
        return m;
    }

    static ObjectNode index() {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OCI_INDEX);
        m.putArray("manifests").add(descriptor(OCI_MANIFEST, LAYER_DIGEST, 300));
        return m;
    }

    static byte[] bytes(ObjectNode node, Consumer<ObjectNode> change) {
        ObjectNode copy = node.deepCopy();
        change.accept(copy);
        return copy.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anImageManifestYieldsItsBlobsAndConfigTypeAsArtifactType() {
        ValidatedManifest m = validator.validate(OCI_MANIFEST, bytes(image(), x -> { }));
        assertThat(m.mediaType()).isEqualTo(OCI_MANIFEST);
        assertThat(m.isIndex()).isFalse();
        assertThat(m.references()).containsExactly(Digest.parse(CONFIG_DIGEST), Digest.parse(LAYER_DIGEST));
        assertThat(m.subject()).isEmpty();
        assertThat(m.artifactType()).hasValue("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void anArtifactWithSubjectYieldsSubjectAndArtifactType() {
        ValidatedManifest m = validator.validate(OCI_MANIFEST, bytes(image(), x -> {
            x.put("artifactType", "application/x.sig");
            x.set("subject", descriptor(OCI_MANIFEST, LAYER_DIGEST, 10));
            x.putObject("annotations").put("k", "v");
        }));
        assertThat(m.subject()).hasValue(Digest.parse(LAYER_DIGEST));
        assertThat(m.artifactType()).hasValue("application/x.sig");
    }

    @Test
    void anIndexYieldsItsManifestsAndNoArtifactType() {
        ValidatedManifest m = validator.validate(OCI_INDEX, bytes(index(), x -> { }));
        assertThat(m.isIndex()).isTrue();
        assertThat(m.references()).containsExactly(Digest.parse(LAYER_DIGEST));
        assertThat(m.artifactType()).isEmpty();
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("Content-Type with parameters", OCI_MANIFEST + "; charset=utf-8", bytes(image(), x -> { }), OCI_MANIFEST),
                Arguments.of("no Content-Type: the body's mediaType", null, bytes(image(), x -> { }), OCI_MANIFEST),
                Arguments.of("no mediaType: the Content-Type", OCI_MANIFEST, bytes(image(), x -> x.remove("mediaType")), OCI_MANIFEST),
                Arguments.of("upper-case Content-Type", OCI_MANIFEST.toUpperCase(), bytes(image(), x -> { }), OCI_MANIFEST),
                Arguments.of("Docker schema 2", DOCKER_MANIFEST, bytes(image(), x -> x.put("mediaType", DOCKER_MANIFEST)), DOCKER_MANIFEST),
                Arguments.of("Docker manifest list", DOCKER_LIST, bytes(index(), x -> x.put("mediaType", DOCKER_LIST)), DOCKER_LIST),
                Arguments.of("no layers (an artifact)", OCI_MANIFEST, bytes(image(), x -> x.putArray("layers")), OCI_MANIFEST),
                Arguments.of("null subject is no subject", OCI_MANIFEST, bytes(image(), x -> x.putNull("subject")), OCI_MANIFEST),
                Arguments.of("embedded data of the config", OCI_MANIFEST, bytes(image(), x -> ((ObjectNode) x.get("config"))
                        .put("data", Base64.getEncoder().encodeToString(CONFIG))), OCI_MANIFEST),
                Arguments.of("platform, urls and annotations in descriptors", OCI_INDEX, bytes(index(), x -> {
                    ObjectNode d = (ObjectNode) x.get("manifests").get(0);
                    d.putObject("platform").put("os", "linux");
                    d.putArray("urls").add("https://example.com/x");
                    d.putObject("annotations").put("a", "b");
                }), OCI_INDEX),
                Arguments.of("255-character media type", OCI_MANIFEST, bytes(image(), x -> x.put("artifactType",
                        "a".repeat(127) + "/" + "b".repeat(127))), OCI_MANIFEST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String name, String contentType, byte[] body, String mediaType) {
        assertThat(validator.validate(contentType, body).mediaType()).isEqualTo(mediaType);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("index carrying config and layers", OCI_INDEX, bytes(image(), x -> x.remove("mediaType")), "must not have 'config'"),
                Arguments.of("index with layers", OCI_INDEX, bytes(index(), x -> x.putArray("layers")), "must not have 'layers'"),
                Arguments.of("image manifest with manifests", OCI_MANIFEST, bytes(image(), x -> x.putArray("manifests")),
                        "must not have 'manifests'"),
                Arguments.of("manifests not a list", OCI_INDEX, bytes(index(), x -> x.put("manifests", "notalist")), "list of descriptors"),
                Arguments.of("index without manifests", OCI_INDEX, bytes(index(), x -> x.remove("manifests")), "has no 'manifests'"),
                Arguments.of("missing layers", OCI_MANIFEST, bytes(image(), x -> x.remove("layers")), "has no 'layers'"),
                Arguments.of("missing config", OCI_MANIFEST, bytes(image(), x -> x.remove("config")), "has no 'config'"),
                Arguments.of("config not an object", OCI_MANIFEST, bytes(image(), x -> x.put("config", "x")), "'config' must be a descriptor"),
                Arguments.of("300-char artifactType", OCI_MANIFEST, bytes(image(), x -> x.put("artifactType", LONG_TYPE)),
                        "'artifactType' must be a media type"),
                Arguments.of("300-char config.mediaType", OCI_MANIFEST, bytes(image(), x -> ((ObjectNode) x.get("config"))
                        .put("mediaType", LONG_TYPE)), "'config.mediaType' must be a media type"),
                Arguments.of("artifactType not RFC 6838", OCI_MANIFEST, bytes(image(), x -> x.put("artifactType", "text/plain; x=1")),
                        "'artifactType' must be a media type"),
                Arguments.of("Content-Type ;;;", ";;;", bytes(image(), x -> { }), "Content-Type ';;;' is not a media type"),
                Arguments.of("Content-Type with a bad parameter", OCI_MANIFEST + "; =x", bytes(image(), x -> { }), "is not a media type"),
                Arguments.of("mediaType disagrees with Content-Type", DOCKER_MANIFEST, bytes(image(), x -> { }), "disagrees with Content-Type"),
                Arguments.of("no media type at all", null, bytes(image(), x -> x.remove("mediaType")), "has no media type"),
                Arguments.of("unsupported media type", "application/json", bytes(image(), x -> x.remove("mediaType")),
                        "unsupported manifest media type 'application/json'"),
                Arguments.of("schema 1 media type", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                        "{\"schemaVersion\":1,\"name\":\"a\",\"tag\":\"b\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8), "schema 1"),
                Arguments.of("schemaVersion 1", OCI_MANIFEST, bytes(image(), x -> x.put("schemaVersion", 1)), "schema 1"),
                Arguments.of("schemaVersion as a string", OCI_MANIFEST, bytes(image(), x -> x.put("schemaVersion", "2")), "schemaVersion"),
                Arguments.of("negative size", OCI_MANIFEST, layer(d -> d.put("size", -1)), "'layers[0].size' must be a non-negative integer"),
                Arguments.of("fractional size", OCI_MANIFEST, layer(d -> d.put("size", 1.5)), "non-negative integer"),
                Arguments.of("size as a string", OCI_MANIFEST, layer(d -> d.put("size", "3")), "non-negative integer"),
                Arguments.of("size beyond a long", OCI_MANIFEST, layer(d -> d.put("size", new java.math.BigInteger("99999999999999999999"))),
                        "non-negative integer"),
                Arguments.of("missing size", OCI_MANIFEST, layer(d -> d.remove("size")), "'layers[0]' has no 'size'"),
                Arguments.of("bad digest", OCI_MANIFEST, layer(d -> d.put("digest", "sha256:xyz")), "'layers[0].digest'"),
                Arguments.of("unknown digest algorithm", OCI_MANIFEST, layer(d -> d.put("digest", "md5:" + "a".repeat(32))),
                        "'layers[0].digest'"),
                Arguments.of("digest not a string", OCI_MANIFEST, layer(d -> d.put("digest", 7)), "'layers[0].digest'"),
                Arguments.of("descriptor without mediaType", OCI_MANIFEST, layer(d -> d.remove("mediaType")), "has no 'mediaType'"),
                Arguments.of("data not matching", OCI_MANIFEST, layer(d -> d.put("data", "AAAA")), "does not match"),
                Arguments.of("data not base64", OCI_MANIFEST, layer(d -> d.put("data", "***")), "must be base64"),
                Arguments.of("urls not strings", OCI_MANIFEST, layer(d -> d.putArray("urls").add(1)), "list of strings"),
                Arguments.of("subject not a descriptor", OCI_MANIFEST, bytes(image(), x -> x.put("subject", "sha256:x")),
                        "'subject' must be a descriptor"),
                Arguments.of("annotation not a string", OCI_MANIFEST, bytes(image(), x -> x.putObject("annotations").put("k", 1)),
                        "must be a string"),
                Arguments.of("duplicate key", OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST
                        + "\",\"mediaType\":\"" + OCI_INDEX + "\"}").getBytes(StandardCharsets.UTF_8), "duplicate field"),
                Arguments.of("trailing content", OCI_MANIFEST, (new String(bytes(image(), x -> { }), StandardCharsets.UTF_8) + " {}")
                        .getBytes(StandardCharsets.UTF_8), "not valid JSON"),
                Arguments.of("not JSON", OCI_MANIFEST, "{not json".getBytes(StandardCharsets.UTF_8), "not valid JSON at line 1"),
                Arguments.of("a JSON array", OCI_MANIFEST, "[]".getBytes(StandardCharsets.UTF_8), "not a JSON object"),
                Arguments.of("empty body", OCI_MANIFEST, new byte[0], "not a JSON object"),
                Arguments.of("nesting 5000 deep", OCI_MANIFEST, ("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}")
                        .getBytes(StandardCharsets.UTF_8), "parser's limits"));
    }

    private static byte[] layer(Consumer<ObjectNode> change) {
        return bytes(image(), x -> change.accept((ObjectNode) x.get("layers").get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesAsManifestInvalid(String name, String contentType, byte[] body, String message) {
        assertThatThrownBy(() -> validator.validate(contentType, body))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
                    assertThat(e.detail()).contains(message).hasSizeLessThan(400).doesNotContain("Exception", "com.fasterxml");
                });
    }

    /** The grammar's bound is the schema's: a media type that passes validation always fits its column. */
    @Test
    void mediaTypeBoundIsTheWidthOfTheColumnsItIsStoredIn() throws IOException {
        String schema;
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V1__registry_metadata.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String column : List.of("media_type", "artifact_type")) {
            Matcher m = Pattern.compile(column + "\\s+VARCHAR\\((\\d+)\\)").matcher(schema);
            assertThat(m.find()).as(column).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(column).isEqualTo(OciGrammar.MAX_MEDIA_TYPE_LENGTH);
        }
        String longest = "a".repeat(127) + "/" + "b".repeat(127);
        assertThat(longest).hasSize(OciGrammar.MAX_MEDIA_TYPE_LENGTH);
        assertThat(OciGrammar.isMediaType(longest)).isTrue();
        assertThat(OciGrammar.isMediaType("a".repeat(128) + "/b")).isFalse();
        Matcher digest = Pattern.compile("subject\\s+VARCHAR\\((\\d+)\\)").matcher(schema);
        assertThat(digest.find()).isTrue();
        assertThat(("sha512:" + "0".repeat(128)).length()).isLessThanOrEqualTo(Integer.parseInt(digest.group(1)));
    }

    @Test
    void contentTypeIsParsedLikeAHeader() {
        assertThat(OciGrammar.contentType(null, ErrorCode.MANIFEST_INVALID)).isEmpty();
        assertThat(OciGrammar.contentType("  ", ErrorCode.MANIFEST_INVALID)).isEmpty();
        assertThat(OciGrammar.contentType("Text/Plain ; charset=\"utf-8\"", ErrorCode.MANIFEST_INVALID)).hasValue("text/plain");
        assertThat(OciGrammar.contentType("text/plain;;", ErrorCode.MANIFEST_INVALID)).isEqualTo(Optional.of("text/plain"));
        for (String bad : List.of(";;;", "text", "text/", "/plain", "text/plain; a", "text/pla in", "\u00e9/x")) {
            assertThatThrownBy(() -> OciGrammar.contentType(bad, ErrorCode.MANIFEST_INVALID)).as(bad).isInstanceOf(RegistryException.class);
        }
    }
}
