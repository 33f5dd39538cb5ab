package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Write-back on a real Swift whose object servers are all stopped: {@code skopeo} and
 * {@code docker} (through a private dockerd) push images to the sidecar jar (write-back on) and
 * get them back; two uploads whose first chunks reached Swift before the servers stopped are
 * continued and completed during the outage (from the owner's verified copy of those chunks); a
 * second replica sharing the PostgreSQL database proxies reads to the owner, and answers 503
 * (never 404) while the owner is killed with {@code kill -9}; the owner restarts on the same disk,
 * the object servers come back, and within a bounded wait every blob is in Swift (read through the
 * driver, integrity metadata included), the second replica serves it byte-identical from the store
 * and the owner's local copies are gone. Prints the flush latency after recovery. Takes about a
 * minute (two JVM starts, one restart, dockerd, a consistency timeout of 3 s while the store is down).
 *
 * <p>Stops and starts the object servers of the Swift it is given: run it on a Swift of its own
 * ({@code IRONCLAD_SWIFT_PORT_OFFSET}) when others use the shared one.
 */
@Tag("integration")
class WritebackOutageTest {

    private static final List<String> OBJECT_SERVERS = List.of("object-1", "object-2", "object-3", "object-4");
    private static final Duration FLUSH_DEADLINE = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<byte[]> blobs = new ArrayList<>(); // in writeback/app
    private final List<byte[]> dockerBlobs = new ArrayList<>(); // in writeback/docker
    private long recovering;

    @Test
    void pushesDuringAStoreOutageSurviveAKillAndAreFlushedWhenTheStoreReturns() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String swiftDir = swift.setting("IRONCLAD_SWIFT_DIR");
        Path work = Files.createDirectories(Path.of("target", "writeback-it", Long.toString(System.currentTimeMillis())).toAbsolutePath());
        String container = "writeback-it-" + work.getFileName();
        String schema = "writeback_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String base = System.getenv().getOrDefault("IRONCLAD_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        Map<String, String> shared = Map.ofEntries(
                Map.entry("datasources.default.url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema),
                Map.entry("datasources.default.username", "postgres"),
                Map.entry("flyway.datasources.default.schemas", schema),
                Map.entry("ironclad.driver.type", "swift"),
                Map.entry("ironclad.driver.swift.auth-url", swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                Map.entry("ironclad.driver.swift.user", swift.setting("IRONCLAD_SWIFT_USER")),
                Map.entry("ironclad.driver.swift.key", swift.setting("IRONCLAD_SWIFT_KEY")),
                Map.entry("ironclad.driver.swift.container", container),
                Map.entry("ironclad.consistency.timeout", "3s"),
                Map.entry("ironclad.writeback.enabled", "true"),
                Map.entry("ironclad.writeback.flush-interval", "250ms"),
                Map.entry("ironclad.writeback.initial-backoff", "250ms"),
                Map.entry("ironclad.writeback.max-backoff", "1s"));
        Path layout = makeLayout(work.resolve("layout"));
        int ownerPort = SidecarProcess.freePort();
        int otherPort = SidecarProcess.freePort();
        try (SidecarProcess owner = new SidecarProcess(Files.createDirectories(work.resolve("owner")), ownerPort,
                        settings(shared, work.resolve("owner/data"), ownerPort));
                SidecarProcess other = new SidecarProcess(Files.createDirectories(work.resolve("other")), otherPort,
                        settings(shared, work.resolve("other/data"), otherPort))) {
            owner.start();
            other.start();
            try (Dockerd dockerd = Dockerd.start()) {
                byte[] patchedDuring = random(3 << 20, 19); // first chunk stored before the outage, the rest during it
                byte[] completedDuring = random(2 << 20, 20); // every chunk stored before, the final PUT during it
                String rest = patch(ownerPort, startUpload(ownerPort), Arrays.copyOfRange(patchedDuring, 0, 1 << 20), 0);
                String finish = patch(ownerPort, startUpload(ownerPort), completedDuring, 0);
                OBJECT_SERVERS.forEach(server -> swift.control("stop-server", swiftDir, server));
                String image = "127.0.0.1:" + ownerPort + "/writeback/app:v1";
                skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + image);
                rest = patch(ownerPort, rest, Arrays.copyOfRange(patchedDuring, 1 << 20, patchedDuring.length), 1 << 20);
                assertThat(finish(ownerPort, rest, patchedDuring)).as("upload continued during the outage").isEqualTo(201);
                assertThat(finish(ownerPort, finish, completedDuring)).as("upload completed during the outage").isEqualTo(201);
                // the gauges follow the flush rounds (every 250 ms here)
                Await.until("every pushed blob pending on the owner", Duration.ofSeconds(10),
                        () -> WritebackGauge.pending(owner.uri()) == blobs.size() + 2);

                Path back = work.resolve("back");
                skopeo("copy", "--src-tls-verify=false", "--dest-oci-accept-uncompressed-layers", "docker://" + image, "oci:" + back + ":v1");
                for (byte[] blob : blobs) {
                    assertThat(Files.readAllBytes(back.resolve("blobs/sha256").resolve(hex(blob)))).as("pulled back from the owner").isEqualTo(blob);
                    assertThat(get(other.uri(), blob).body()).as("proxied by the other replica").isEqualTo(blob);
                }
                blobs.add(patchedDuring);
                blobs.add(completedDuring);
                pushWithDocker(dockerd, ownerPort, other.uri());
                Await.until("the docker push pending too", Duration.ofSeconds(10),
                        () -> WritebackGauge.pending(owner.uri()) == blobs.size() + dockerBlobs.size());

                owner.kill();
                HttpResponse<byte[]> ownerGone = get(other.uri(), blobs.get(0));
                assertThat(ownerGone.statusCode()).as("owner killed: retry later, not absent").isEqualTo(503);
                assertThat(ownerGone.headers().firstValue("Retry-After")).isPresent();
                owner.start();
                Await.until("the restarted owner lists every pending blob again (nothing acknowledged lost)", Duration.ofSeconds(10),
                        () -> WritebackGauge.pending(owner.uri()) == blobs.size() + dockerBlobs.size());
                assertThat(get(other.uri(), blobs.get(0)).body()).isEqualTo(blobs.get(0));
            } finally {
                recovering = System.nanoTime();
                OBJECT_SERVERS.forEach(server -> swift.control("start-server", swiftDir, server));
            }
            Duration serversUp = Duration.ofNanos(System.nanoTime() - recovering);
            int polls = Await.until("every pending blob flushed", FLUSH_DEADLINE, () -> WritebackGauge.pending(owner.uri()) == 0);
            Duration flushed = Duration.ofNanos(System.nanoTime() - recovering);
            System.out.printf("write-back: object servers restarted in %d ms; all %d pending blobs flushed %d ms after the first restart"
                    + " (%d polls after the last)%n", serversUp.toMillis(), blobs.size() + dockerBlobs.size(), flushed.toMillis(), polls);

            try (StorageDriver driver = SwiftDrivers.create(SwiftDriverConfig.tempAuth(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                    swift.setting("IRONCLAD_SWIFT_USER"), swift.setting("IRONCLAD_SWIFT_KEY"), container))) {
                for (List<byte[]> pushed : List.of(blobs, dockerBlobs)) {
                    String repository = pushed == blobs ? "app" : "docker";
                    for (byte[] blob : pushed) {
                        try (ObjectContent content = driver.open(blobKey(blob), ReadOptions.FRESH)) {
                            assertThat(content.info().userMetadata()).as("integrity metadata").containsEntry("ironclad-digest", "sha256:" + hex(blob));
                            assertThat(content.body().readAllBytes()).as("in Swift").isEqualTo(blob);
                        }
                        assertThat(get(other.uri(), "sha256:" + hex(blob), repository).body()).as("second replica, from the store").isEqualTo(blob);
                    }
                }
            }
            try (Stream<Path> left = Files.walk(work.resolve("owner/data/writeback/blobs"))) {
                assertThat(left.filter(Files::isRegularFile).toList()).as("local copies left after the flush").isEmpty();
            }
        }
    }

    /**
     * Builds a one-layer image with dockerd's legacy builder and pushes it to the owner (the store
     * down), removes it and pulls it back: the same image ID (its config digest). The blobs docker
     * pushed (gzipped by docker, so known only from the manifest) go to {@link #dockerBlobs}, each checked
     * against its digest as the owner serves it, and read through the other replica too.
     */
    private void pushWithDocker(Dockerd dockerd, int ownerPort, URI other) throws Exception {
        Path context = Files.createTempDirectory("ironclad-docker-context");
        Files.write(context.resolve("payload"), random(1 << 20, 21));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY payload /payload\n");
        String image = "127.0.0.1:" + ownerPort + "/writeback/docker:v1";
        dockerd.docker("build", "-q", "-t", image, context.toString());
        String id = dockerd.docker("image", "inspect", "--format", "{{.Id}}", image).strip();
        dockerd.docker("push", image);
        dockerd.docker("rmi", image);
        dockerd.docker("pull", image);
        assertThat(dockerd.docker("image", "inspect", "--format", "{{.Id}}", image).strip()).as("pulled back through dockerd").isEqualTo(id);

        HttpResponse<byte[]> manifest = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ownerPort + "/v2/writeback/docker/manifests/v1"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);
        var tree = json.readTree(manifest.body());
        List<String> digests = new ArrayList<>(List.of(tree.get("config").get("digest").asText()));
        tree.get("layers").forEach(layer -> digests.add(layer.get("digest").asText()));
        for (String digest : digests) {
            byte[] blob = get(URI.create("http://127.0.0.1:" + ownerPort), digest, "docker").body();
            assertThat("sha256:" + hex(blob)).as("served by the owner").isEqualTo(digest);
            assertThat(get(other, digest, "docker").body()).as("proxied by the other replica").isEqualTo(blob);
            dockerBlobs.add(blob);
        }
        assertThat(id).isEqualTo(digests.get(0));
    }

    private String startUpload(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/writeback/app/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return r.headers().firstValue("Location").orElseThrow();
    }

    /** PATCHes {@code chunk} at {@code offset}; returns the next location. */
    private String patch(int port, String location, byte[] chunk, long offset) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port).resolve(location))
                .header("Content-Type", "application/octet-stream").header("Content-Range", offset + "-" + (offset + chunk.length - 1))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return r.headers().firstValue("Location").orElseThrow();
    }

    /** The final PUT, no body; returns its status. */
    private int finish(int port, String location, byte[] blob) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port).resolve(location);
        String query = (uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&") + "digest=sha256:" + hex(blob);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + query))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Map<String, String> settings(Map<String, String> shared, Path dataDir, int port) {
        Map<String, String> settings = new java.util.HashMap<>(shared);
        settings.put("ironclad.data-dir", dataDir.toString());
        settings.put("ironclad.writeback.advertise-url", "http://127.0.0.1:" + port);
        return settings;
    }

    private HttpResponse<byte[]> get(URI sidecar, byte[] blob) throws Exception {
        return get(sidecar, "sha256:" + hex(blob), "app");
    }

    private HttpResponse<byte[]> get(URI sidecar, String digest, String repository) throws Exception {
        return http.send(HttpRequest.newBuilder(sidecar.resolve("/v2/writeback/" + repository + "/blobs/" + digest)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static ObjectKey blobKey(byte[] blob) {
        String hex = hex(blob);
        return ObjectKey.of("blobs/sha256/" + hex.substring(0, 2) + "/" + hex);
    }

    /** An OCI layout with two uncompressed random layers (3 MiB, 200 KiB) and a config; every blob goes into {@link #blobs}. */
    private Path makeLayout(Path layout) throws Exception {
        Path dir = Files.createDirectories(layout.resolve("blobs/sha256"));
        Random random = new Random(18);
        byte[] big = new byte[3 << 20];
        byte[] small = new byte[200 << 10];
        random.nextBytes(big);
        random.nextBytes(small);
        ObjectNode config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add("sha256:" + hex(big)).add("sha256:" + hex(small));
        byte[] configBytes = json.writeValueAsBytes(config);
        ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor(dir, "application/vnd.oci.image.config.v1+json", configBytes));
        manifest.putArray("layers").add(descriptor(dir, "application/vnd.oci.image.layer.v1.tar", big))
                .add(descriptor(dir, "application/vnd.oci.image.layer.v1.tar", small));
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        Files.write(dir.resolve(hex(manifestBytes)), manifestBytes);
        ObjectNode entry = json.createObjectNode().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", "sha256:" + hex(manifestBytes)).put("size", manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "v1");
        ObjectNode index = json.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").add(entry);
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return layout;
    }

    private ObjectNode descriptor(Path dir, String mediaType, byte[] blob) throws IOException {
        Files.write(dir.resolve(hex(blob)), blob);
        blobs.add(blob);
        return json.createObjectNode().put("mediaType", mediaType).put("digest", "sha256:" + hex(blob)).put("size", blob.length);
    }

    private static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
    }
}
