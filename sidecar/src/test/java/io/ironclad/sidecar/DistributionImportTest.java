package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3Drivers;
import io.ironclad.sidecar.DistributionStores.Store;
import io.ironclad.sidecar.OciImages.Layer;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.testsupport.DockerRegistry;
import io.ironclad.testsupport.OpsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ironclad import} adopts what the Debian {@code docker-registry} (CNCF distribution 2.8)
 * stored, on each of its drivers: skopeo pushes a multi-arch index, images sharing a layer, a tag
 * overwrite (the old image stays by digest), an image whose manifest is then deleted, and an image
 * one of whose layers is then corrupted in the store. The import leaves every one of
 * distribution's files and objects as it was, reports the corrupt layer and leaves its image and
 * tag out, and a second run changes nothing in the database. A sidecar on the same store then
 * serves every manifest byte for byte as distribution did, and skopeo pulls every image back
 * identical to what it pulled from distribution.
 */
@Tag("integration")
class DistributionImportTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ACCEPT = String.join(",", Oci.OCI_MANIFEST, Oci.OCI_INDEX,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int LARGE = 12 << 20;

    @TempDir
    Path temp;

    @Test
    void adoptsADistributionFilesystemStore() throws Exception {
        try (Store store = new DistributionStores.Filesystem(Files.createDirectories(temp.resolve("distribution")))) {
            adopt(store);
        }
    }

    @Test
    void adoptsADistributionSwiftStore() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String container = "import-" + UUID.randomUUID();
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                swift.setting("IRONCLAD_SWIFT_USER"), swift.setting("IRONCLAD_SWIFT_KEY"), container);
        Map<String, Object> settings = Map.of("ironclad.driver.type", "swift",
                "ironclad.driver.swift.auth-url", swift.setting("IRONCLAD_SWIFT_AUTH_URL"),
                "ironclad.driver.swift.user", swift.setting("IRONCLAD_SWIFT_USER"),
                "ironclad.driver.swift.key", swift.setting("IRONCLAD_SWIFT_KEY"),
                "ironclad.driver.swift.container", container);
        DockerRegistry.SwiftStorage peer = new DockerRegistry.SwiftStorage(config.authUrl(), swift.setting("IRONCLAD_SWIFT_USER"),
                swift.setting("IRONCLAD_SWIFT_KEY"), container);
        try (Store store = new DistributionStores.ObjectStore(SwiftDrivers.create(config), peer,
                DockerRegistryStoreOpsTest.store(swift, container), settings, "files/")) {
            DockerRegistryStoreOpsTest.Run imported = adopt(store);
            System.out.printf("[import] distribution store on the Swift all-in-one: %s images, %s objects, %s bytes in %s s:"
                    + " %s images/s, %s MB/s%n", imported.count("manifestsImported"), imported.count("objects"),
                    imported.count("bytes"), imported.summary().get("seconds"), imported.summary().get("imagesPerSecond"),
                    imported.summary().get("mbPerSecond"));
        }
    }

    @Test
    void adoptsADistributionS3StoreOnRgw() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        String bucket = "import-" + UUID.randomUUID();
        URI endpoint = URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT"));
        S3DriverConfig config = S3DriverConfig.of(endpoint, bucket, rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION")).withCreateBucket(true);
        Map<String, Object> settings = Map.of("ironclad.driver.type", "s3", "ironclad.driver.s3.bucket", bucket,
                "ironclad.driver.s3.endpoint", endpoint.toString(), "ironclad.driver.s3.region", rgw.setting("IRONCLAD_S3_REGION"),
                "ironclad.driver.s3.access-key", rgw.setting("IRONCLAD_S3_ACCESS_KEY"),
                "ironclad.driver.s3.secret-key", rgw.setting("IRONCLAD_S3_SECRET_KEY"));
        List<String> flags = new ArrayList<>(List.of("--driver", "s3", "--bucket", bucket));
        settings.forEach((name, value) -> {
            if (!name.equals("ironclad.driver.type") && !name.equals("ironclad.driver.s3.bucket")) {
                flags.addAll(List.of("--set", name + "=" + value));
            }
        });
        DockerRegistry.S3Storage peer = new DockerRegistry.S3Storage(endpoint, rgw.setting("IRONCLAD_S3_REGION"),
                rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"), bucket);
        try (Store store = new DistributionStores.ObjectStore(S3Drivers.create(config), peer, flags.toArray(String[]::new), settings, "")) {
            adopt(store);
        }
    }

    /** The whole story on one store; returns the first import's run. */
    private DockerRegistryStoreOpsTest.Run adopt(Store store) throws Exception {
        Random random = new Random(17);
        Layer base = OciImages.layer(random, 400_000);
        Layer broken = OciImages.layer(random, 50_000);
        Pushed pushed = push(store, random, base, broken);
        store.corrupt(Digest.parse(broken.digest()), broken.bytes().length);
        Map<String, String> untouched = store.fingerprint();

        Path data = temp.resolve("ironclad");
        String[] flags = DockerRegistryStoreOpsTest.concat(store.flags(), "--data-dir", data.toString(),
                "--checkpoint", temp.resolve("import.ckpt").toString());
        DockerRegistryStoreOpsTest.Run first = DockerRegistryStoreOpsTest.run("import", flags);
        System.out.printf("[import] %s: %s%n", store.peer().getClass().getSimpleName(), first.summary());
        assertThat(first.exitCode()).as(first.err() + first.summary()).isEqualTo(1);
        assertThat(first.count("corrupt")).isEqualTo(1);
        assertThat(first.problems()).extracting(p -> p.get("key")).containsExactly(store.dataKey(Digest.parse(broken.digest())).value());
        assertThat(first.count("repositories")).isEqualTo(4);
        assertThat(first.count("manifestsImported")).as("three nginx images, the index and its two images").isEqualTo(6);
        assertThat(first.count("tagsImported")).isEqualTo(3);
        assertThat(first.count("manifestsNotImported")).isEqualTo(1);
        assertThat(first.count("tagsNotImported")).isEqualTo(1);
        assertThat(first.summary().get("notImported").toString()).contains("broken/app", broken.digest(), "v1");
        assertThat(store.fingerprint()).as("distribution's files after the import").isEqualTo(untouched);

        String jdbc = "jdbc:h2:file:" + data.toAbsolutePath() + "/metadata" + Application.H2_OPTIONS;
        Map<String, List<String>> rows = rows(jdbc);
        DockerRegistryStoreOpsTest.Run second = DockerRegistryStoreOpsTest.run("import",
                DockerRegistryStoreOpsTest.concat(store.flags(), "--data-dir", data.toString()));
        assertThat(second.exitCode()).as(second.err()).isEqualTo(1);
        assertThat(second.count("manifestsImported") + second.count("tagsImported") + second.count("blobsAdopted")).isZero();
        assertThat(second.count("manifestsAlreadyImported")).isEqualTo(6);
        assertThat(rows(jdbc)).as("the database after a second import").isEqualTo(rows);
        DockerRegistryStoreOpsTest.Run resumed = DockerRegistryStoreOpsTest.run("import", flags);
        assertThat(resumed.count("resumedObjects")).as("a finished checkpoint resumes after the last repository").isEqualTo(first.count("objects"));
        assertThat(resumed.count("manifestsImported")).isEqualTo(6);

        try (Sidecar sidecar = new Sidecar(jdbc, store.settings(), data)) {
            String url = "127.0.0.1:" + sidecar.port();
            for (Map.Entry<String, byte[]> manifest : pushed.manifests().entrySet()) {
                assertThat(manifest(url, manifest.getKey())).as(manifest.getKey()).isEqualTo(manifest.getValue());
            }
            for (Map.Entry<String, Path> image : pushed.pulled().entrySet()) {
                Path back = skopeoPull(url, image.getKey(), temp.resolve("from-ironclad-" + image.getKey().replaceAll("[^a-z0-9]", "-")));
                assertThat(contents(back)).as(image.getKey()).isEqualTo(contents(image.getValue()));
            }
            assertThat(Oci.get(sidecar, "/v2/tools/gone/manifests/v1").statusCode()).isEqualTo(404);
            assertThat(Oci.get(sidecar, "/v2/broken/app/manifests/v1").statusCode()).isEqualTo(404);
        }
        assertThat(store.fingerprint()).as("distribution's files after serving").isEqualTo(untouched);
        return first;
    }

    /**
     * @param manifests what distribution served for each reference (tags and digests), by {@code repo:tag} or {@code repo@digest}
     * @param pulled the layout skopeo pulled from distribution for each image reference
     */
    record Pushed(Map<String, byte[]> manifests, Map<String, Path> pulled) {
    }

    private Pushed push(Store store, Random random, Layer base, Layer broken) throws Exception {
        Path layouts = temp.resolve("layouts");
        Path a = OciImages.image(layouts.resolve("a"), "amd64", List.of(base, OciImages.layer(random, 100_000)));
        Path b = OciImages.image(layouts.resolve("b"), "amd64", List.of(base, OciImages.layer(random, 200_000)));
        Path c = OciImages.image(layouts.resolve("c"), "amd64", List.of(base, OciImages.layer(random, LARGE)));
        Map<String, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put("amd64", List.of(base, OciImages.layer(random, 150_000)));
        platforms.put("arm64", List.of(base, OciImages.layer(random, 160_000)));
        Path multi = OciImages.multiArch(layouts.resolve("multi"), platforms);
        Path gone = OciImages.image(layouts.resolve("gone"), "amd64", List.of(OciImages.layer(random, 30_000)));
        Path app = OciImages.image(layouts.resolve("app"), "amd64", List.of(base, broken));
        Map<String, byte[]> manifests = new LinkedHashMap<>();
        Map<String, Path> pulled = new LinkedHashMap<>();
        try (DockerRegistry registry = DockerRegistry.start(store.peer(), temp)) {
            String url = registry.url().getAuthority();
            skopeoPush(a, url, "library/nginx:1.25");
            skopeoPush(b, url, "library/nginx:latest");
            skopeoPush(c, url, "library/nginx:latest");
            skopeoPush(multi, url, "tools/multi:v1");
            skopeoPush(gone, url, "tools/gone:v1");
            skopeoPush(app, url, "broken/app:v1");
            HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + url + "/v2/tools/gone/manifests/"
                    + OciImages.topDigest(gone))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
            List<String> references = new ArrayList<>(List.of("library/nginx:1.25", "library/nginx:latest",
                    "library/nginx@" + OciImages.topDigest(b), "tools/multi:v1"));
            for (String reference : List.copyOf(references)) {
                manifests.put(reference, manifest(url, reference));
                pulled.put(reference, skopeoPull(url, reference, temp.resolve("from-distribution-" + reference.replaceAll("[^a-z0-9]", "-"))));
            }
            for (Path child : Files.list(multi.resolve("blobs/sha256")).toList()) {
                String reference = "tools/multi@sha256:" + child.getFileName();
                HttpResponse<byte[]> got = get(url, reference);
                if (got.statusCode() == 200) {
                    manifests.put(reference, got.body());
                }
            }
            assertThat(manifest(url, "library/nginx:latest")).isEqualTo(Files.readAllBytes(c.resolve("blobs/sha256")
                    .resolve(OciImages.topDigest(c).substring(7))));
        }
        return new Pushed(manifests, pulled);
    }

    private static byte[] manifest(String authority, String reference) throws Exception {
        HttpResponse<byte[]> response = get(authority, reference);
        assertThat(response.statusCode()).as("%s from %s", reference, authority).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<byte[]> get(String authority, String reference) throws Exception {
        int at = reference.contains("@") ? reference.indexOf('@') : reference.lastIndexOf(':');
        URI uri = URI.create("http://" + authority + "/v2/" + reference.substring(0, at) + "/manifests/" + reference.substring(at + 1));
        return HTTP.send(HttpRequest.newBuilder(uri).header("Accept", ACCEPT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void skopeoPush(Path layout, String authority, String reference) throws Exception {
        skopeo("copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":" + OciImages.TAG, "docker://" + authority + "/" + reference);
    }

    private static Path skopeoPull(String authority, String reference, Path layout) throws Exception {
        skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + authority + "/" + reference, "oci:" + layout + ":" + OciImages.TAG);
        return layout;
    }

    private static void skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
    }

    /** Every file of a layout by name, as its content's hash. */
    private static Map<String, String> contents(Path layout) throws Exception {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(layout)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                try (var in = Files.newInputStream(file)) {
                    files.put(layout.relativize(file).toString(), DistributionStores.sha256(in));
                }
            }
        }
        return files;
    }

    /** Every row of the registry's tables, as text, to compare before and after. */
    private static Map<String, List<String>> rows(String jdbc) throws Exception {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbc, "sa", ""); Statement statement = connection.createStatement()) {
            for (String table : List.of("repositories", "blobs", "repository_blobs", "manifests", "tags")) {
                List<String> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            Object value = result.getObject(i);
                            row.append(value instanceof byte[] bytes ? DistributionStores.sha256(new java.io.ByteArrayInputStream(bytes)) : value)
                                    .append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }
}
