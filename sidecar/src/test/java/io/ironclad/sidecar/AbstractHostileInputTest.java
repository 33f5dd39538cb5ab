package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.BlobLayout;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static io.ironclad.sidecar.Oci.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.Digest;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Hostile requests against a running sidecar: each is a 4xx with its OCI code, and no error body
 * names SQL, exception classes, the data directory or store keys. Subclasses choose the database
 * (PostgreSQL refuses strings H2 takes, so both run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractHostileInputTest {

    static final String REPO = "hostile/app";
    static final String LONG_TYPE = "application/" + "x".repeat(288);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    private final byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private RefusingDeletes driver;
    private Path dataDir;
    private Sidecar sidecar;

    abstract String jdbcUrl();

    /** One hostile request and the answer it must get. */
    record Case(String name, Function<Sidecar, HttpRequest.Builder> request, int status, String code) {
        /** The same case with one more request header. */
        Case withHeader(String header, String value) {
            return new Case(name, s -> request.apply(s).header(header, value), status, code);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() throws Exception {
        driver = new RefusingDeletes(InMemoryDrivers.create());
        dataDir = Files.createTempDirectory("ironclad-hostile");
        sidecar = new Sidecar(jdbcUrl(), driver, dataDir);
        Oci.pushMonolithic(sidecar, REPO, config);
        Oci.pushMonolithic(sidecar, REPO, layer);
        HttpResponse<byte[]> control = Oci.putManifest(sidecar, REPO, "good", Oci.OCI_MANIFEST, manifest(m -> { }));
        assertThat(control.statusCode()).as("the unaltered manifest is accepted: " + body(control)).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    /** The accepted manifest with {@code change} applied. */
    byte[] manifest(Consumer<ObjectNode> change) {
        ObjectNode m = (ObjectNode) readTree(Oci.imageManifest(config, layer));
        change.accept(m);
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] layerDescriptor(Consumer<ObjectNode> change) {
        return manifest(m -> change.accept((ObjectNode) m.get("layers").get(0)));
    }

    private static Case put(String name, String contentType, byte[] body) {
        return new Case(name, s -> {
            HttpRequest.Builder r = s.request("/v2/" + REPO + "/manifests/hostile").PUT(BodyPublishers.ofByteArray(body));
            return contentType == null ? r : r.header("Content-Type", contentType);
        }, 400, "MANIFEST_INVALID");
    }

    private static Case get(String name, String path, int status, String code) {
        return new Case(name, s -> s.request(path).GET(), status, code);
    }

    private static Case upload(String name, Function<String, String> query, String method, int status, String code) {
        return new Case(name, s -> s.request(query.apply(Oci.startUpload(s, REPO))).method(method, BodyPublishers.noBody()), status, code);
    }

    Stream<Case> hostile() {
        String om = Oci.OCI_MANIFEST;
        String blob = "/v2/" + REPO + "/blobs/" + digest(layer);
        return Stream.of(
                put("index Content-Type, body with config and layers", Oci.OCI_INDEX, manifest(m -> m.remove("mediaType"))),
                put("index mediaType with config and layers", Oci.OCI_INDEX, manifest(m -> m.put("mediaType", Oci.OCI_INDEX))),
                put("manifests not a list", Oci.OCI_INDEX, ("{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_INDEX
                        + "\",\"manifests\":\"notalist\"}").getBytes(StandardCharsets.UTF_8)),
                put("image manifest with manifests", om, manifest(m -> m.putArray("manifests"))),
                put("300-char artifactType", om, manifest(m -> m.put("artifactType", LONG_TYPE))),
                put("300-char config.mediaType", om, manifest(m -> ((ObjectNode) m.get("config")).put("mediaType", LONG_TYPE))),
                put("artifactType with a NUL", om, manifest(m -> m.put("artifactType", "application/x\u0000y"))),
                put("Content-Type ;;;", ";;;", manifest(m -> { })),
                put("300-char Content-Type", LONG_TYPE, manifest(m -> m.remove("mediaType"))),
                put("mediaType disagrees with Content-Type", "application/vnd.docker.distribution.manifest.v2+json", manifest(m -> { })),
                put("no media type anywhere", null, manifest(m -> m.remove("mediaType"))),
                put("Docker schema 1", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                        "{\"schemaVersion\":1,\"name\":\"hostile/app\",\"tag\":\"x\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8)),
                put("missing layers", om, manifest(m -> m.remove("layers"))),
                put("missing config", om, manifest(m -> m.remove("config"))),
                put("negative size", om, layerDescriptor(d -> d.put("size", -1))),
                put("size as a string", om, layerDescriptor(d -> d.put("size", "11"))),
                put("bad digest", om, layerDescriptor(d -> d.put("digest", "sha256:xyz"))),
                put("unsupported digest algorithm", om, layerDescriptor(d -> d.put("digest", "md5:" + "a".repeat(32)))),
                put("subject not a descriptor", om, manifest(m -> m.put("subject", "sha256:abc"))),
                put("annotation not a string", om, manifest(m -> m.putObject("annotations").put("k", 1))),
                put("duplicate mediaType key", om, ("{\"schemaVersion\":2,\"mediaType\":\"" + om + "\",\"mediaType\":\"" + om + "\"}")
                        .getBytes(StandardCharsets.UTF_8)),
                put("nesting 100000 deep", om, ("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8)),
                put("not JSON", om, "{not json".getBytes(StandardCharsets.UTF_8)),
                put("empty body", om, new byte[0]),
                new Case("manifest digest reference mismatch", s -> s.request("/v2/" + REPO + "/manifests/" + digest(layer))
                        .header("Content-Type", om).PUT(BodyPublishers.ofByteArray(manifest(m -> { }))), 400, "DIGEST_INVALID"),
                new Case("tag of 200 characters", s -> s.request("/v2/" + REPO + "/manifests/" + "t".repeat(200))
                        .header("Content-Type", om).PUT(BodyPublishers.ofByteArray(manifest(m -> { }))), 400, "TAG_INVALID"),
                get("name of 300 characters", "/v2/" + "a".repeat(300) + "/tags/list", 400, "NAME_INVALID"),
                get("_catalog n=abc", "/v2/_catalog?n=abc", 400, "PAGINATION_NUMBER_INVALID"),
                get("_catalog n=-1", "/v2/_catalog?n=-1", 400, "PAGINATION_NUMBER_INVALID"),
                get("_catalog n beyond a long", "/v2/_catalog?n=99999999999999999999999", 400, "PAGINATION_NUMBER_INVALID"),
                get("_catalog last with a NUL", "/v2/_catalog?last=a%00b", 400, "NAME_INVALID"),
                get("_catalog last of 300 characters", "/v2/_catalog?last=" + "a".repeat(300), 400, "NAME_INVALID"),
                get("tags/list n=abc", "/v2/" + REPO + "/tags/list?n=abc", 400, "PAGINATION_NUMBER_INVALID"),
                get("tags/list last with a NUL", "/v2/" + REPO + "/tags/list?last=a%00b", 400, "TAG_INVALID"),
                get("blob Range bytes=abc", blob, 416, "BLOB_UPLOAD_INVALID").withHeader("Range", "bytes=abc"),
                get("blob Range beyond a long", blob, 416, "BLOB_UPLOAD_INVALID").withHeader("Range", "bytes=99999999999999999999999-"),
                get("blob digest malformed", "/v2/" + REPO + "/blobs/sha256:xyz", 400, "DIGEST_INVALID"),
                new Case("monolithic POST digest=sha256:zz", s -> s.request("/v2/" + REPO + "/blobs/uploads/?digest=sha256:zz")
                        .POST(BodyPublishers.ofByteArray(layer)), 400, "DIGEST_INVALID"),
                new Case("monolithic POST with the wrong digest", s -> s.request("/v2/" + REPO + "/blobs/uploads/?digest=" + digest(config))
                        .POST(BodyPublishers.ofByteArray(layer)), 400, "DIGEST_INVALID"),
                new Case("mount=bad", s -> s.request("/v2/" + REPO + "/blobs/uploads/?mount=bad&from=other")
                        .POST(BodyPublishers.noBody()), 400, "DIGEST_INVALID"),
                new Case("mount from=Bad", s -> s.request("/v2/" + REPO + "/blobs/uploads/?mount=" + digest(layer) + "&from=Bad")
                        .POST(BodyPublishers.noBody()), 400, "NAME_INVALID"),
                upload("finish without digest", location -> location, "PUT", 400, "DIGEST_INVALID"),
                new Case("finish with the wrong digest", s -> s.request(Oci.startUpload(s, REPO) + "?digest=" + digest(config))
                        .PUT(BodyPublishers.ofByteArray(layer)), 400, "DIGEST_INVALID"),
                upload("finish digest=", location -> location + "?digest=", "PUT", 400, "DIGEST_INVALID"),
                new Case("PATCH Content-Range garbage", s -> s.request(Oci.startUpload(s, REPO)).header("Content-Range", "abc")
                        .method("PATCH", BodyPublishers.ofByteArray(layer)), 400, "BLOB_UPLOAD_INVALID"),
                new Case("PATCH Content-Range last before first", s -> s.request(Oci.startUpload(s, REPO)).header("Content-Range", "5-2")
                        .method("PATCH", BodyPublishers.ofByteArray(layer)), 400, "BLOB_UPLOAD_INVALID"),
                new Case("PATCH Content-Range beyond a long", s -> s.request(Oci.startUpload(s, REPO))
                        .header("Content-Range", "0-99999999999999999999999").method("PATCH", BodyPublishers.ofByteArray(layer)),
                        400, "BLOB_UPLOAD_INVALID"),
                new Case("unsupported method", s -> s.request("/v2/" + REPO + "/manifests/good").method("TRACE", BodyPublishers.noBody()),
                        405, "UNSUPPORTED"),
                new Case("made-up method", s -> s.request("/v2/" + REPO + "/manifests/good").method("FROB", BodyPublishers.noBody()),
                        405, "UNSUPPORTED"),
                get("no such endpoint", "/nowhere", 404, "UNSUPPORTED"),
                get("no such endpoint, HTML wanted", "/nowhere", 404, "UNSUPPORTED").withHeader("Accept", "text/html"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void isRefusedWithItsOciCodeAndALeakFreeBody(Case c) {
        HttpResponse<byte[]> r = sidecar.send(c.request().apply(sidecar));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(c.status());
        assertThat(errorCode(r)).as(body(r)).isEqualTo(c.code());
        JsonNode error = readTree(r.body()).path("errors").path(0);
        assertThat(error.path("message").asText()).as(body(r)).isNotBlank();
        assertThat(error.path("detail").path("correlationId").asText()).matches("[0-9a-f]{16}");
        assertLeaksNothing(r);
    }

    /** Odd but harmless requests: Content-Type means nothing to a blob, and a manifest's may carry parameters. */
    Stream<Case> harmless() {
        byte[] blob = "harmless".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                new Case("monolithic POST with Content-Type ;;;", s -> s.request("/v2/" + REPO + "/blobs/uploads/?digest=" + digest(blob))
                        .header("Content-Type", ";;;").POST(BodyPublishers.ofByteArray(blob)), 201, ""),
                new Case("PATCH with Content-Type ;;;", s -> s.request(Oci.startUpload(s, REPO)).header("Content-Type", ";;;")
                        .method("PATCH", BodyPublishers.ofByteArray(blob)), 202, ""),
                new Case("PATCH with Content-Type application/json and a body that is not JSON", s -> s.request(Oci.startUpload(s, REPO))
                        .header("Content-Type", "application/json").method("PATCH", BodyPublishers.ofByteArray("{bad".getBytes())), 202, ""),
                new Case("manifest Content-Type with parameters", s -> s.request("/v2/" + REPO + "/manifests/params")
                        .header("Content-Type", Oci.OCI_MANIFEST + "; charset=\"utf-8\"").PUT(BodyPublishers.ofByteArray(manifest(m -> { }))),
                        201, ""),
                new Case("manifest without mediaType, typed by Content-Type", s -> s.request("/v2/" + REPO + "/manifests/untyped")
                        .header("Content-Type", Oci.OCI_MANIFEST).PUT(BodyPublishers.ofByteArray(manifest(m -> m.remove("mediaType"))))
                        , 201, ""),
                get("_catalog n=0", "/v2/_catalog?n=0", 200, ""),
                get("_catalog n above the cap", "/v2/_catalog?n=99999", 200, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmless")
    void isServed(Case c) {
        HttpResponse<byte[]> r = sidecar.send(c.request().apply(sidecar));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(c.status());
    }

    /** Requests no HTTP client library would send, refused by Micronaut itself, still get an OCI body. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "GET /v2/%zz/tags/list HTTP/1.1\r\n",
        "GET /v2/_catalog?last=%zz HTTP/1.1\r\n",
        "PUT /v2/hostile/app/manifests/x HTTP/1.1\r\nContent-Length: abc\r\n"})
    void aRequestMicronautCannotReadIsAnOciError(String head) throws Exception {
        String response;
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((head + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 400 ");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode error = readTree(body.getBytes(StandardCharsets.UTF_8)).path("errors").path(0);
        assertThat(error.path("code").asText()).as(body).isEqualTo("UNSUPPORTED");
        assertThat(error.path("detail").path("correlationId").asText()).matches("[0-9a-f]{16}");
        assertThat(body).doesNotContain("Exception", "io.micronaut", "_embedded");
    }

    /** Backend trouble is 503 with a message of its kind; the store key and exception are in the log line under the body's id. */
    @Test
    void backendTroubleNamesNoKeyInTheBodyAndTheLogLineCarriesTheCorrelationId() throws Exception {
        byte[] lost = "bytes the store loses".getBytes(StandardCharsets.UTF_8);
        Oci.pushMonolithic(sidecar, REPO, lost);
        driver.delete(BlobLayout.key(Digest.parse(digest(lost))));
        Logger logger = (Logger) LoggerFactory.getLogger("io.ironclad.sidecar.http.RegistryErrorHandler");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            HttpResponse<byte[]> r = Oci.get(sidecar, "/v2/" + REPO + "/blobs/" + digest(lost));
            assertThat(r.statusCode()).as(body(r)).isEqualTo(503);
            assertThat(errorCode(r)).isEqualTo("UNAVAILABLE");
            assertLeaksNothing(r);
            String id = readTree(r.body()).path("errors").path(0).path("detail").path("correlationId").asText();
            assertThat(log.list).map(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains(id).contains("blobs/sha256/"));
        } finally {
            logger.detachAppender(log);
        }
    }

    private void assertLeaksNothing(HttpResponse<byte[]> r) {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(text).as("body of %d", r.statusCode()).doesNotContainIgnoringCase("select ").doesNotContainIgnoringCase("insert ")
                .doesNotContain("Exception", "org.h2", "postgresql", "io.ironclad", "com.fasterxml", "blobs/", dataDir.toString(),
                        System.getProperty("java.io.tmpdir"));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    private static JsonNode readTree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }
}
