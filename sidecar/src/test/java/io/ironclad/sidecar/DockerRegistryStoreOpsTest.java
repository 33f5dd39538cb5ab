package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.CliBackends;
import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.IntegrityMetadata;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.sidecar.cli.Cli;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.testsupport.DockerRegistry;
import io.ironclad.testsupport.OpsService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopting an existing registry's store: the Debian {@code docker-registry} (CNCF distribution
 * 2.8) pushes images into a container of the Swift all-in-one, without Ironclad metadata and with
 * its large blobs as Dynamic Large Objects. One blob is then overwritten with other bytes through
 * the Swift API. {@code verify} finds exactly that one, {@code backfill} stamps all the others and
 * refuses it, {@code verify} again finds them all good with metadata, and docker-registry still
 * serves the stamped large blob whole (the POST kept its DLO manifest header).
 */
@Tag("integration")
class DockerRegistryStoreOpsTest {

    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private final Random random = new Random(7);

    @Test
    void verifyFindsTheCorruptBlobAndBackfillAdoptsTheRest() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String container = "registry-ops-" + UUID.randomUUID();
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                swift.setting("IRONCLAD_SWIFT_USER"), swift.setting("IRONCLAD_SWIFT_KEY"), container);
        try (StorageDriver raw = SwiftDrivers.create(config)) {
            List<byte[]> blobs = new ArrayList<>();
            byte[] large = bytes(6 * 1024 * 1024 + 4096);
            try (DockerRegistry registry = DockerRegistry.start(peerStorage(swift, container), temp)) {
                String url = registry.url().toString();
                blobs.addAll(pushImage(url, "ops/one", bytes(2048), large));
                blobs.addAll(pushImage(url, "ops/two", bytes(512 * 1024), bytes(300 * 1024)));
            }
            int total = blobs.size();
            byte[] victim = blobs.get(5);
            ObjectKey corrupted = dataKey(sha256(victim));
            raw.put(corrupted, Payload.ofBytes(bytes(victim.length)), PutOptions.DEFAULT);

            String[] store = store(swift, container);
            Run verify = run("verify", store);
            System.out.printf("[ops] verify of a docker-registry store on Swift: %s objects, %s bytes in %s s: %s objects/s, %s MB/s%n",
                    verify.summary.get("objects"), verify.summary.get("bytes"), verify.summary.get("seconds"),
                    verify.summary.get("objectsPerSecond"), verify.summary.get("mbPerSecond"));
            assertThat(verify.exitCode).as(verify.err).isEqualTo(1);
            assertThat(verify.count("objects")).isEqualTo(total);
            assertThat(verify.count("corrupt")).isEqualTo(1);
            assertThat(verify.count("missingMetadata")).isEqualTo(total - 1);
            assertThat(verify.problems()).extracting(p -> p.get("key")).containsExactly(corrupted.value());

            Run backfill = run("backfill", store);
            assertThat(backfill.exitCode).as(backfill.err).isEqualTo(1);
            assertThat(backfill.count("backfilled")).isEqualTo(total - 1);
            assertThat(backfill.count("corrupt")).isEqualTo(1);
            assertThat(raw.stat(corrupted, ReadOptions.FRESH).metadata(IntegrityMetadata.DIGEST)).as("corrupt blob left unstamped").isEmpty();
            assertThat(raw.stat(dataKey(sha256(large)), ReadOptions.FRESH).metadata(IntegrityMetadata.DIGEST))
                    .hasValue(sha256(large).toString());

            Run again = run("verify", store);
            assertThat(again.count("ok")).isEqualTo(total - 1);
            assertThat(again.count("missingMetadata")).isZero();
            assertThat(again.count("corrupt")).isEqualTo(1);

            Run repository = run("verify", concat(store, "--repository", "ops/one"));
            assertThat(repository.count("objects")).as("config, two layers and the manifest revision").isEqualTo(4);
            assertThat(repository.exitCode).isZero();

            try (DockerRegistry restarted = DockerRegistry.start(peerStorage(swift, container), temp)) {
                HttpResponse<byte[]> pulled = HTTP.send(HttpRequest.newBuilder(restarted.url().resolve("/v2/ops/one/blobs/" + sha256(large)))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(pulled.statusCode()).isEqualTo(200);
                assertThat(sha256(pulled.body())).as("docker-registry still serves the stamped DLO whole").isEqualTo(sha256(large));
            }
        } finally {
            deleteAll(config);
        }
    }

    record Run(int exitCode, Map<String, Object> summary, String err) {
        long count(String name) {
            return ((Number) summary.get(name)).longValue();
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems() {
            return (List<Map<String, Object>>) summary.get("problems");
        }
    }

    static Run run(String verb, String... flags) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = concat(new String[] {verb}, flags);
        int code = Cli.run(args, new CliBackends(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        String text = out.toString(StandardCharsets.UTF_8);
        return new Run(code, text.startsWith("{") ? JSON.readValue(text, new TypeReference<Map<String, Object>>() { }) : Map.of(),
                err.toString(StandardCharsets.UTF_8));
    }

    static String[] store(OpsService swift, String container) {
        return new String[] {"--driver", "swift", "--container", container,
            "--set", "ironclad.driver.swift.auth-url=" + swift.setting("IRONCLAD_SWIFT_AUTH_URL"),
            "--set", "ironclad.driver.swift.user=" + swift.setting("IRONCLAD_SWIFT_USER"),
            "--set", "ironclad.driver.swift.key=" + swift.setting("IRONCLAD_SWIFT_KEY"),
            "--set", "ironclad.driver.swift.create-containers=false"};
    }

    static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    static ObjectKey dataKey(Digest digest) {
        return ObjectKey.of("files/docker/registry/v2/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex() + "/data");
    }

    static Digest sha256(byte[] bytes) {
        return Digests.sha256(bytes);
    }

    private byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Pushes a config and the layers, then a schema 2 manifest; returns every blob the registry stores (manifest included). */
    static List<byte[]> pushImage(String registry, String repository, byte[]... layers) throws Exception {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"repo\":\"" + repository + "\"}").getBytes(StandardCharsets.UTF_8);
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(config);
        push(registry, repository, config);
        StringBuilder manifest = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"config\":{")
                .append("\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":").append(config.length)
                .append(",\"digest\":\"").append(sha256(config)).append("\"},\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            push(registry, repository, layers[i]);
            blobs.add(layers[i]);
            manifest.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":")
                    .append(layers[i].length).append(",\"digest\":\"").append(sha256(layers[i])).append("\"}");
        }
        byte[] body = manifest.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(registry + "/v2/" + repository + "/manifests/v1"))
                .header("Content-Type", DOCKER_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as("manifest put: %s", put.body()).isEqualTo(201);
        blobs.add(body);
        return blobs;
    }

    private static void push(String registry, String repository, byte[] blob) throws Exception {
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create(registry + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as("upload start: %s", started.body()).isEqualTo(202);
        URI upload = URI.create(registry).resolve(started.headers().firstValue("Location").orElseThrow());
        String separator = upload.getQuery() == null ? "?" : "&";
        HttpResponse<String> finished = HTTP.send(HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + sha256(blob)))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(finished.statusCode()).as("upload finish: %s", finished.body()).isEqualTo(201);
    }

    private static DockerRegistry.SwiftStorage peerStorage(OpsService swift, String container) {
        return new DockerRegistry.SwiftStorage(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")), swift.setting("IRONCLAD_SWIFT_USER"),
                swift.setting("IRONCLAD_SWIFT_KEY"), container);
    }

    /** Removes the test's containers' objects (the registry's DLO segments live beside its blobs). */
    static void deleteAll(SwiftDriverConfig config) throws Exception {
        try (StorageDriver driver = SwiftDrivers.create(config)) {
            ListRequest request = ListRequest.prefix("");
            while (true) {
                ListPage page = driver.list(request);
                for (ListPage.Entry entry : page.entries()) {
                    driver.delete(entry.key());
                }
                Optional<String> next = page.nextStartAfter();
                if (next.isEmpty()) {
                    return;
                }
                request = request.withStartAfter(next.get());
            }
        }
    }
}
