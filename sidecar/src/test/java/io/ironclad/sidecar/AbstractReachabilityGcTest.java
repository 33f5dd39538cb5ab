package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reachability GC through the registry API: a deleted image's layers are unlinked and collected
 * (row and bytes); a layer another image still names stays; an index keeps its children, a kept
 * manifest its referrers; untagged manifests go once nothing keeps them. Grace periods are 0 here
 * (the sidecar's test settings), the untagged one included. Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractReachabilityGcTest {

    private final Random random = new Random(17);
    private StorageDriver driver;
    private Sidecar sidecar;

    abstract String jdbcUrl();

    @BeforeAll
    void start() throws Exception {
        driver = InMemoryDrivers.create();
        sidecar = new Sidecar(jdbcUrl(), driver, Files.createTempDirectory("ironclad-reachability"),
                Map.of("ironclad.gc.untagged-grace-period", "0s"));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @Test
    void aDeletedImageFreesItsLayersWhileASharedLayerStaysForTheOtherImage() {
        String repo = repo();
        byte[] config = push(repo, 300);
        byte[] shared = push(repo, 4000);
        byte[] onlyOld = push(repo, 5000);
        byte[] otherConfig = push(repo, 301);
        byte[] old = put(repo, "old", Oci.imageManifest(config, shared, onlyOld));
        put(repo, "new", Oci.imageManifest(otherConfig, shared));

        delete("/v2/" + repo + "/manifests/" + digest(old));
        collectAll();

        assertGone(repo, config);
        assertGone(repo, onlyOld);
        assertKept(repo, shared);
        assertKept(repo, otherConfig);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/new").statusCode()).isEqualTo(200);
    }

    @Test
    void aLayerSharedWithAnotherRepositoryStaysInThatRepository() {
        String first = repo();
        String second = repo();
        byte[] config = push(first, 200);
        byte[] layer = push(first, 3000);
        byte[] manifest = put(first, "v1", Oci.imageManifest(config, layer));
        push(second, config);
        push(second, layer);
        put(second, "v1", Oci.imageManifest(config, layer));

        delete("/v2/" + first + "/manifests/" + digest(manifest));
        collectAll();

        assertThat(Oci.head(sidecar, "/v2/" + first + "/blobs/" + digest(layer)).statusCode()).isEqualTo(404);
        assertKept(second, layer);
        assertKept(second, config);
    }

    @Test
    void anIndexKeepsItsChildrenAndAKeptManifestItsReferrersUntilTheTagGoes() {
        String repo = repo();
        byte[] config = push(repo, 250);
        byte[] layer = push(repo, 6000);
        byte[] child = put(repo, null, Oci.imageManifest(config, layer));
        byte[] index = put(repo, "multi", index(child));
        byte[] sigConfig = push(repo, 90);
        byte[] referrer = put(repo, null, referrer(sigConfig, index));

        collectAll();

        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/" + digest(child)).statusCode()).isEqualTo(200);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/" + digest(referrer)).statusCode()).isEqualTo(200);
        assertKept(repo, layer);
        assertKept(repo, sigConfig);

        delete("/v2/" + repo + "/manifests/multi");
        collectAll();

        for (byte[] manifest : new byte[][] {index, child, referrer}) {
            assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/" + digest(manifest)).statusCode()).isEqualTo(404);
        }
        assertGone(repo, layer);
        assertGone(repo, config);
        assertGone(repo, sigConfig);
    }

    @Test
    void aBlobPushedAgainAfterCollectionIsServed() {
        String repo = repo();
        byte[] layer = push(repo, 1500);
        collectAll();
        assertGone(repo, layer);

        push(repo, layer);
        byte[] config = push(repo, 120);
        put(repo, "v1", Oci.imageManifest(config, layer));
        collectAll();

        assertKept(repo, layer);
    }

    private void collectAll() {
        BlobCollector collector = sidecar.bean(BlobCollector.class);
        for (int round = 0; round < 20 && collector.collect() > 0; round++) {
            // each round may free what the previous one unreferenced
        }
    }

    private void assertKept(String repo, byte[] blob) {
        HttpResponse<byte[]> r = Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(blob);
    }

    private void assertGone(String repo, byte[] blob) {
        assertThat(Oci.head(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).statusCode()).isEqualTo(404);
        assertThat(sidecar.bean(Metadata.class).findBlob(Digests.sha256(blob))).as("blob row").isEmpty();
        assertThat(stored(BlobLayout.key(Digests.sha256(blob)))).as("blob bytes").isFalse();
    }

    private boolean stored(ObjectKey key) {
        try {
            driver.stat(key, ReadOptions.FRESH);
            return true;
        } catch (io.ironclad.driver.ObjectNotFoundException e) {
            return false;
        } catch (io.ironclad.driver.StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    private void delete(String path) {
        HttpResponse<byte[]> r = sidecar.send(sidecar.request(path).DELETE());
        assertThat(r.statusCode()).as(body(r)).isEqualTo(202);
    }

    private byte[] push(String repo, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return push(repo, b);
    }

    private byte[] push(String repo, byte[] blob) {
        Oci.pushMonolithic(sidecar, repo, blob);
        return blob;
    }

    /** PUTs {@code manifest} under {@code tag}, or by digest when {@code tag} is null. */
    private byte[] put(String repo, String tag, byte[] manifest) {
        String type = new String(manifest, StandardCharsets.UTF_8).contains("\"manifests\"") ? Oci.OCI_INDEX : Oci.OCI_MANIFEST;
        HttpResponse<byte[]> r = Oci.putManifest(sidecar, repo, tag == null ? digest(manifest) : tag, type, manifest);
        assertThat(r.statusCode()).as(body(r)).isEqualTo(201);
        return manifest;
    }

    static byte[] index(byte[]... children) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_INDEX + "\",\"manifests\":[");
        for (int i = 0; i < children.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(Oci.OCI_MANIFEST).append("\",\"digest\":\"")
                    .append(digest(children[i])).append("\",\"size\":").append(children[i].length)
                    .append(",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] referrer(byte[] config, byte[] subject) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"artifactType\":\"application/x.sig\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":"
                + config.length + "},\"layers\":[],\"subject\":{\"mediaType\":\"" + Oci.OCI_INDEX + "\",\"digest\":\"" + digest(subject)
                + "\",\"size\":" + subject.length + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private String repo() {
        return "gc/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
