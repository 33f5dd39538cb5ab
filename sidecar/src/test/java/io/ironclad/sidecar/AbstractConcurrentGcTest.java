package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.BlobCollector;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database and one store, each running the collector in a loop (in-process
 * locks only, the case where only the database keeps pushes and collection apart), while writers
 * push images that share layers, overwrite their tags, push indexes and delete manifests through
 * either replica. Every acknowledged image is pulled back from the other replica at once, and at
 * the end every image whose tag still names it is served byte for byte, while the store holds
 * exactly the blobs those images reference: all garbage collected, nothing acknowledged lost.
 */
abstract class AbstractConcurrentGcTest {

    /** The workload runs until this many manifest PUTs were acknowledged, or for at most {@link #WORKLOAD}. */
    private static final int TARGET_ACKNOWLEDGED = 16;
    private static final Duration WORKLOAD = Duration.ofSeconds(20);
    private static final int WRITERS = 4;
    private static final int TAGS_PER_WRITER = 3;

    /** An acknowledged image: its manifest and every blob it references. */
    private record Image(byte[] manifest, List<byte[]> blobs, String mediaType) {
    }

    private final Map<String, Image> tagged = new ConcurrentHashMap<>();
    private final List<byte[]> sharedLayers = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger refusedByGc = new AtomicInteger();

    abstract String jdbcUrl();

    @Test
    void noAcknowledgedImageIsLostAndAllGarbageIsCollected() throws Exception {
        StorageDriver driver = InMemoryDrivers.create();
        String db = jdbcUrl();
        Map<String, Object> settings = Map.of("ironclad.gc.grace-period", "3s", "ironclad.gc.untagged-grace-period", "3s");
        Random seed = new Random(5);
        for (int i = 0; i < 6; i++) {
            sharedLayers.add(bytes(seed, 2000 + i));
        }
        try (Sidecar a = new Sidecar(db, driver, Files.createTempDirectory("ironclad-gc-a"), settings);
                Sidecar b = new Sidecar(db, driver, Files.createTempDirectory("ironclad-gc-b"), settings)) {
            List<Sidecar> replicas = List.of(a, b);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
            List<Future<?>> work = new ArrayList<>();
            for (Sidecar replica : replicas) {
                work.add(pool.submit(() -> collectUntilStopped(replica)));
            }
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                work.add(pool.submit(() -> write(replicas, writer)));
            }
            long deadline = System.nanoTime() + WORKLOAD.toNanos();
            while (acknowledged.get() < TARGET_ACKNOWLEDGED && System.nanoTime() < deadline && work.stream().noneMatch(Future::isDone)) {
                Thread.sleep(50); // the workload's length (a target or a deadline), not a wait for consistency
            }
            stop.set(true);
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();

            assertThat(acknowledged.get()).as("acknowledged manifest PUTs").isGreaterThanOrEqualTo(TARGET_ACKNOWLEDGED / 2);
            System.out.printf("concurrent GC workload: %d manifest PUTs acknowledged, %d refused after their blobs were collected%n",
                    acknowledged.get(), refusedByGc.get());
            for (Map.Entry<String, Image> image : tagged.entrySet()) {
                assertServed(b, image.getKey(), image.getValue());
            }
            Set<String> expected = new HashSet<>();
            tagged.values().forEach(image -> image.blobs().forEach(blob -> expected.add(digest(blob))));
            Await.until("the store holds exactly the blobs of the tagged images", Duration.ofSeconds(30), () -> {
                while (a.bean(BlobCollector.class).collect() > 0) {
                    // drain: each pass may free what the previous one unreferenced
                }
                return storedBlobs(driver).equals(expected);
            });
            for (Map.Entry<String, Image> image : tagged.entrySet()) {
                assertServed(a, image.getKey(), image.getValue());
            }
        }
    }

    private void collectUntilStopped(Sidecar replica) {
        BlobCollector collector = replica.bean(BlobCollector.class);
        while (!stop.get()) {
            collector.collect();
        }
    }

    private void write(List<Sidecar> replicas, int writer) {
        Random random = new Random(100 + writer);
        String repo = "chaos/w" + writer;
        while (!stop.get()) {
            Sidecar via = replicas.get(random.nextInt(2));
            Sidecar other = replicas.get(replicas.indexOf(via) ^ 1);
            String tag = "t" + random.nextInt(TAGS_PER_WRITER);
            byte[] config = bytes(random, 100 + random.nextInt(100));
            byte[] own = bytes(random, 1000 + random.nextInt(1000));
            byte[] shared = sharedLayers.get(random.nextInt(sharedLayers.size()));
            for (byte[] blob : List.of(config, own, shared)) {
                Oci.pushMonolithic(via, repo, blob);
            }
            byte[] manifest = Oci.imageManifest(config, own, shared);
            boolean asIndex = random.nextInt(4) == 0;
            Image image;
            if (asIndex) {
                if (!put(via, repo, digest(manifest), Oci.OCI_MANIFEST, manifest)) {
                    continue;
                }
                byte[] index = AbstractReachabilityGcTest.index(manifest);
                image = new Image(index, List.of(config, own, shared), Oci.OCI_INDEX);
            } else {
                image = new Image(manifest, List.of(config, own, shared), Oci.OCI_MANIFEST);
            }
            if (!put(via, repo, tag, image.mediaType(), image.manifest())) {
                continue;
            }
            acknowledged.incrementAndGet();
            tagged.put(repo + ":" + tag, image);
            assertServed(other, repo + ":" + tag, image);
            if (random.nextInt(5) == 0) {
                HttpResponse<byte[]> deleted = other.send(other.request("/v2/" + repo + "/manifests/" + digest(image.manifest())).DELETE());
                assertThat(deleted.statusCode()).as(body(deleted)).isEqualTo(202);
                tagged.remove(repo + ":" + tag);
            }
        }
    }

    /**
     * PUTs a manifest; true when acknowledged. A refusal is allowed only as MANIFEST_BLOB_UNKNOWN /
     * MANIFEST_UNKNOWN when the writer was slower than the grace period (its blobs were collected).
     */
    private boolean put(Sidecar via, String repo, String reference, String type, byte[] manifest) {
        HttpResponse<byte[]> r = Oci.putManifest(via, repo, reference, type, manifest);
        if (r.statusCode() == 201) {
            return true;
        }
        assertThat(Oci.errorCode(r)).as(body(r)).isIn("MANIFEST_BLOB_UNKNOWN");
        refusedByGc.incrementAndGet();
        return false;
    }

    private static void assertServed(Sidecar via, String taggedName, Image image) {
        String repo = taggedName.substring(0, taggedName.indexOf(':'));
        String tag = taggedName.substring(taggedName.indexOf(':') + 1);
        HttpResponse<byte[]> manifest = Oci.get(via, "/v2/" + repo + "/manifests/" + tag);
        assertThat(manifest.statusCode()).as(taggedName + " " + body(manifest)).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifest());
        for (byte[] blob : image.blobs()) {
            HttpResponse<byte[]> r = Oci.get(via, "/v2/" + repo + "/blobs/" + digest(blob));
            assertThat(r.statusCode()).as(taggedName + " blob " + digest(blob) + " " + body(r)).isEqualTo(200);
            assertThat(r.body()).isEqualTo(blob);
        }
    }

    private static Set<String> storedBlobs(StorageDriver driver) {
        try {
            Set<String> digests = new HashSet<>();
            ListRequest request = ListRequest.prefix("blobs/");
            while (true) {
                ListPage page = driver.list(request);
                for (ListPage.Entry entry : page.entries()) {
                    String key = entry.key().value();
                    digests.add(key.split("/")[1] + ":" + key.substring(key.lastIndexOf('/') + 1));
                }
                if (page.nextStartAfter().isEmpty()) {
                    return digests;
                }
                request = request.withStartAfter(page.nextStartAfter().get());
            }
        } catch (io.ironclad.driver.StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
