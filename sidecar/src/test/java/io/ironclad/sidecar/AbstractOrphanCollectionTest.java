package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.jobs.OrphanCollector;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.Expectation;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Blob objects that no row knows (a push's process died between storing the bytes and its
 * commit) are found and collected, never while a push is storing the same blob, and a push waits
 * while the collector holds a claim on it. Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOrphanCollectionTest {

    private final Random random = new Random(11);
    private RefusingDeletes driver;
    private Sidecar sidecar;

    abstract String jdbcUrl();

    @BeforeAll
    void start() throws Exception {
        driver = new RefusingDeletes(InMemoryDrivers.create());
        sidecar = new Sidecar(jdbcUrl(), driver, Files.createTempDirectory("ironclad-orphans"));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @Test
    void anOrphanIsCollectedWhileBlobsWithRowsStayAndItCanBePushedAgain() throws Exception {
        String repo = repo();
        byte[] kept = bytes(3000);
        Oci.pushMonolithic(sidecar, repo, kept);
        // a manifest references the kept blob: reachability GC unlinks blobs no manifest names
        assertThat(Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, Oci.imageManifest(kept)).statusCode()).isEqualTo(201);
        byte[] lost = bytes(2000);
        Digest orphan = storeWithoutRow(lost);

        assertThat(sidecar.bean(BlobCollector.class).collect()).isGreaterThanOrEqualTo(1);

        assertThat(exists(BlobLayout.key(orphan))).as("orphaned bytes collected").isFalse();
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(kept)).body()).isEqualTo(kept);
        Oci.pushMonolithic(sidecar, repo, lost);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + orphan).body()).isEqualTo(lost);
    }

    @Test
    void anOrphanYoungerThanTheGracePeriodIsNotACandidate() throws Exception {
        Digest orphan = storeWithoutRow(bytes(500));
        OrphanCollector orphans = sidecar.bean(OrphanCollector.class);

        assertThat(digests(orphans.find(Instant.now().minus(Duration.ofHours(1)), 1000))).doesNotContain(orphan);
        assertThat(digests(orphans.find(Instant.now().plusSeconds(1), 1000))).contains(orphan);
    }

    @Test
    void anOrphanThatAPushIsStoringIsKept() throws Exception {
        Digest orphan = storeWithoutRow(bytes(700));
        Metadata metadata = sidecar.bean(Metadata.class);

        String intent = metadata.beginBlobWrite(orphan);   // a replica cut off from ZooKeeper is pushing it
        sidecar.bean(BlobCollector.class).collect();
        assertThat(exists(BlobLayout.key(orphan))).as("bytes of a blob being pushed").isTrue();
        assertThat(metadata.blobCollecting(orphan)).as("claim released").isFalse();

        metadata.endBlobWrite(intent);
        sidecar.bean(BlobCollector.class).collect();
        assertThat(exists(BlobLayout.key(orphan))).isFalse();
    }

    @Test
    void aPushWaitsWhileTheCollectorHoldsAClaimAndStoresTheBytesAfterIt() throws Exception {
        String repo = repo();
        byte[] blob = bytes(900);
        Digest orphan = storeWithoutRow(blob);
        Metadata metadata = sidecar.bean(Metadata.class);
        assertThat(metadata.claimOrphan(orphan)).isTrue();   // another process's collector is deleting it

        ExecutorService pusher = Executors.newSingleThreadExecutor();
        try {
            Future<?> push = pusher.submit(() -> Oci.pushMonolithic(sidecar, repo, blob));
            int waits = Await.until("the push recorded its intent", Duration.ofSeconds(10), () -> intents(orphan) == 1);
            assertThat(push.isDone()).as("push done while the orphan is claimed (after %d waits)", waits).isFalse();
            driver.delete(BlobLayout.key(orphan));
            metadata.releaseOrphan(orphan);
            push.get(10, TimeUnit.SECONDS);
        } finally {
            pusher.shutdownNow();
        }
        assertThat(exists(BlobLayout.key(orphan))).as("the push stored the bytes again").isTrue();
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + orphan).body()).isEqualTo(blob);
    }

    @Test
    void aFailedDeleteLeavesTheOrphanForTheNextRunAndNoClaimBehind() throws Exception {
        Digest orphan = storeWithoutRow(bytes(400));
        ObjectKey key = BlobLayout.key(orphan);
        driver.refuse(key);
        try {
            sidecar.bean(BlobCollector.class).collect();
            assertThat(exists(key)).isTrue();
            assertThat(sidecar.bean(Metadata.class).blobCollecting(orphan)).as("claim released").isFalse();
        } finally {
            driver.allow(key);
        }
        sidecar.bean(BlobCollector.class).collect();
        assertThat(exists(key)).isFalse();
    }

    @Test
    void onlyKeysThatAreExactlyABlobsKeyCount() {
        Digest d = Digests.sha256(bytes(10));
        assertThat(BlobLayout.digestOf(BlobLayout.key(d))).hasValue(d);
        assertThat(BlobLayout.digestOf(ObjectKey.of("blobs/sha256/zz/" + d.hex()))).isEmpty();
        assertThat(BlobLayout.digestOf(ObjectKey.of("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data"))).isEmpty();
        String otherFanOut = d.hex().startsWith("00") ? "01" : "00";
        assertThat(BlobLayout.digestOf(ObjectKey.of("blobs/sha256/" + otherFanOut + "/" + d.hex()))).isEmpty();
        assertThat(BlobLayout.digestOf(ObjectKey.of("blobs/sha256/ab/abc"))).isEmpty();
    }

    /** What a push leaves when its process dies after the store write and before the commit. */
    private Digest storeWithoutRow(byte[] content) throws Exception {
        Digest d = Digests.sha256(content);
        sidecar.bean(ConsistentStore.class).put(BlobLayout.key(d), Expectation.of(d, content.length), Payload.ofBytes(content));
        assertThat(sidecar.bean(Metadata.class).findBlob(d)).isEmpty();
        return d;
    }

    private boolean exists(ObjectKey key) {
        try {
            driver.stat(key, ReadOptions.FRESH);
            return true;
        } catch (io.ironclad.driver.ObjectNotFoundException e) {
            return false;
        } catch (io.ironclad.driver.StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    private int intents(Digest d) {
        try (var c = sidecar.bean(javax.sql.DataSource.class).getConnection();
                var q = c.prepareStatement("SELECT COUNT(*) FROM blob_write_intents WHERE digest = ?")) {
            q.setString(1, d.toString());
            try (var rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Digest> digests(List<OrphanCollector.Orphan> orphans) {
        return orphans.stream().map(OrphanCollector.Orphan::digest).toList();
    }

    private String repo() {
        return "orphans/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
