package io.ironclad.sidecar;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.metadata.WritebackPending;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.UploadService;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-back in process: two replicas sharing one database and an object store that is down.
 * Pushes are acknowledged from the owner's disk, read back from both replicas (the other one
 * proxies to the owner), and flushed once the store is back; with write-back off they fail as
 * before; an unreachable owner is a 503, never a 404.
 */
class WritebackTest {

    private final OutageDriver driver = new OutageDriver(InMemoryDrivers.create());
    private final String db = "jdbc:h2:mem:writeback-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @TempDir
    Path dir;

    private Sidecar replica(String name, boolean writeback) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "ironclad.writeback.enabled", writeback,
                "ironclad.writeback.flush-interval", "100ms",
                "ironclad.writeback.initial-backoff", "100ms",
                "ironclad.writeback.max-backoff", "300ms",
                "ironclad.consistency.timeout", "300ms"));
        return new Sidecar(db, driver, dir.resolve(name), settings);
    }

    @Test
    void pushesDuringAnOutageAreServedEverywhereAndFlushedWhenTheStoreReturns() throws Exception {
        byte[] monolithic = random(70_000, 1);
        byte[] chunked = random(120_000, 2);
        try (Sidecar owner = replica("a", true); Sidecar other = replica("b", true)) {
            driver.down(true);
            Oci.pushMonolithic(owner, "wb/app", monolithic);
            String location = Oci.startUpload(owner, "wb/app");
            HttpResponse<byte[]> patched = Oci.patch(owner, location, Arrays.copyOfRange(chunked, 0, 60_000), 0);
            assertThat(patched.statusCode()).as(body(patched)).isEqualTo(202);
            assertThat(patched.headers().firstValue("Range")).hasValue("0-59999");
            patched = Oci.patch(owner, Oci.location(patched), Arrays.copyOfRange(chunked, 60_000, chunked.length), 60_000);
            assertThat(patched.statusCode()).as(body(patched)).isEqualTo(202);
            HttpResponse<byte[]> done = Oci.finish(owner, Oci.location(patched), digest(chunked));
            assertThat(done.statusCode()).as(body(done)).isEqualTo(201);
            // a manifest references both: reachability GC (grace 0 s here) would unlink blobs no manifest names
            assertThat(Oci.putManifest(owner, "wb/app", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(monolithic, chunked)).statusCode())
                    .isEqualTo(201);

            for (byte[] blob : new byte[][] {monolithic, chunked}) {
                String path = "/v2/wb/app/blobs/" + digest(blob);
                assertThat(Oci.head(other, path).statusCode()).isEqualTo(200);
                assertThat(Oci.get(owner, path).body()).as("owner serves its local copy").isEqualTo(blob);
                HttpResponse<byte[]> proxied = Oci.get(other, path);
                assertThat(proxied.statusCode()).as(body(proxied)).isEqualTo(200);
                assertThat(proxied.body()).as("the other replica proxies to the owner").isEqualTo(blob);
                HttpResponse<byte[]> range = other.send(other.request(path).header("Range", "bytes=100-199").GET());
                assertThat(range.statusCode()).isEqualTo(206);
                assertThat(range.body()).isEqualTo(Arrays.copyOfRange(blob, 100, 200));
            }
            // the gauges follow the flush job's rounds (every 100 ms here), not each push
            Await.until("two blobs pending", Duration.ofSeconds(10), () -> gauge(owner, "ironclad.writeback.pending.count") == 2);
            assertThat(gauge(owner, "ironclad.writeback.pending.bytes")).isEqualTo(monolithic.length + chunked.length);
            assertThat(localCopies("a")).hasSize(2);

            driver.down(false);
            int waits = Await.until("nothing pending", Duration.ofSeconds(20), () -> gauge(owner, "ironclad.writeback.pending.count") == 0);
            assertThat(waits).as("rounds waited").isPositive();
            for (byte[] blob : new byte[][] {monolithic, chunked}) {
                Digest d = Digest.parse(digest(blob));
                assertThat(driver.stat(BlobLayout.key(d), ReadOptions.FRESH).userMetadata())
                        .as("flushed with integrity metadata").containsEntry("ironclad-digest", d.toString());
                assertThat(Oci.get(other, "/v2/wb/app/blobs/" + d).body()).isEqualTo(blob);
            }
            assertThat(localCopies("a")).as("local copies are gone after the flush").isEmpty();
        }
    }

    @Test
    void uploadsWhoseChunksWereStoredBeforeTheOutageContinueFromThisReplicasCopy() throws Exception {
        byte[] patchedDuring = random(150_000, 6); // first chunk stored, second chunk during the outage
        byte[] completedDuring = random(90_000, 7); // every chunk stored, the final PUT during the outage
        byte[] elsewhere = random(40_000, 8); // its chunk went through the other replica
        try (Sidecar owner = replica("a", true); Sidecar other = replica("b", true)) {
            String first = patched(owner, Oci.startUpload(owner, "wb/shadow"), Arrays.copyOfRange(patchedDuring, 0, 80_000), 0);
            String second = patched(owner, Oci.startUpload(owner, "wb/shadow"), completedDuring, 0);
            String third = patched(other, Oci.startUpload(other, "wb/shadow"), elsewhere, 0);
            driver.down(true);
            String rest = patched(owner, first, Arrays.copyOfRange(patchedDuring, 80_000, patchedDuring.length), 80_000);
            assertThat(Oci.finish(owner, rest, digest(patchedDuring)).statusCode()).isEqualTo(201);
            assertThat(Oci.finish(owner, second, digest(completedDuring)).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> refused = Oci.finish(owner, third, digest(elsewhere));
            assertThat(refused.statusCode()).as("no copy of the chunk on this replica: fails as without write-back").isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(Oci.putManifest(owner, "wb/shadow", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(patchedDuring, completedDuring))
                    .statusCode()).isEqualTo(201);
            for (byte[] blob : new byte[][] {patchedDuring, completedDuring}) {
                assertThat(Oci.get(other, "/v2/wb/shadow/blobs/" + digest(blob)).body()).as("proxied to the owner").isEqualTo(blob);
            }
            assertThat(abandoned(owner)).as("the store's parts of both sessions, left to the upload reaper").hasSize(2)
                    .allSatisfy(s -> assertThat(s.state().writer().parts()).isNotEmpty());

            driver.down(false);
            Await.until("nothing pending", Duration.ofSeconds(20), () -> gauge(owner, "ironclad.writeback.pending.count") == 0);
            for (byte[] blob : new byte[][] {patchedDuring, completedDuring}) {
                Digest d = Digest.parse(digest(blob));
                assertThat(driver.stat(BlobLayout.key(d), ReadOptions.FRESH).userMetadata()).containsEntry("ironclad-digest", d.toString());
                assertThat(Oci.get(other, "/v2/wb/shadow/blobs/" + d).body()).isEqualTo(blob);
            }
            for (Metadata.SessionRow session : abandoned(owner)) {
                owner.bean(UploadService.class).cancel(session); // what the reaper does once they have been idle for max-age
            }
            assertThat(abandoned(owner)).isEmpty();
            assertThat(Oci.finish(other, third, digest(elsewhere)).statusCode()).as("the refused session was left intact").isEqualTo(201);
            Await.until("no shadow copies left", Duration.ofSeconds(10), () -> files("a", "shadows").isEmpty() && files("b", "shadows").isEmpty());
            assertThat(files("a", "uploads")).isEmpty();
        }
    }

    private static String patched(Sidecar sidecar, String location, byte[] chunk, long offset) {
        HttpResponse<byte[]> r = Oci.patch(sidecar, location, chunk, offset);
        assertThat(r.statusCode()).as(body(r)).isEqualTo(202);
        return Oci.location(r);
    }

    private static java.util.List<Metadata.SessionRow> abandoned(Sidecar sidecar) {
        return sidecar.bean(Metadata.class).staleSessions(java.time.Instant.now().plusSeconds(60), 100).stream()
                .filter(s -> s.id().startsWith("abandoned-")).toList();
    }

    @Test
    void withWritebackOffAPushDuringAnOutageFailsAsBefore() {
        try (Sidecar sidecar = replica("off", false)) {
            driver.down(true);
            byte[] blob = random(10_000, 3);
            HttpResponse<byte[]> r = sidecar.send(sidecar.request("/v2/wb/off/blobs/uploads/?digest=" + digest(blob))
                    .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(blob)));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(Files.exists(dir.resolve("off/writeback"))).as("nothing kept").isFalse();
        }
    }

    @Test
    void aPendingBlobWhoseOwnerIsUnreachableIs503AndDeletingItsLastReferenceDropsTheLocalCopy() throws Exception {
        byte[] blob = random(30_000, 4);
        byte[] second = random(20_000, 5);
        String path = "/v2/wb/gone/blobs/" + digest(blob);
        try (Sidecar other = replica("b", true)) {
            try (Sidecar owner = replica("a", true)) {
                driver.down(true);
                Oci.pushMonolithic(owner, "wb/gone", blob);
                Oci.pushMonolithic(owner, "wb/gone", second);
                // a manifest references the second blob, so reachability GC keeps its link; the first is unlinked below
                assertThat(Oci.putManifest(owner, "wb/gone", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(second)).statusCode()).isEqualTo(201);
            }
            HttpResponse<byte[]> r = Oci.get(other, path);
            assertThat(r.statusCode()).as("owner down: retry, not absent").isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(Oci.head(other, path).statusCode()).isEqualTo(200);

            assertThat(other.send(other.request(path).DELETE()).statusCode()).isEqualTo(202);
            other.bean(BlobCollector.class).collect(); // grace period 0 s: an unlinked blob would go at once
            assertThat(other.bean(Metadata.class).findBlob(Digest.parse(digest(blob)))).as("GC leaves a pending blob alone").isPresent();
        }
        try (Sidecar owner = replica("a", true)) {
            Await.until("one local copy left", Duration.ofSeconds(10), () -> localCopies("a").size() == 1); // the owner's flush job drops the unlinked one
            HttpResponse<byte[]> deleted = owner.send(owner.request("/v2/wb/gone/blobs/" + digest(second)).DELETE());
            assertThat(deleted.statusCode()).as(body(deleted)).isEqualTo(202);
            assertThat(localCopies("a")).as("the last reference went, so did the local copy").isEmpty();
            Await.until("nothing pending", Duration.ofSeconds(10), () -> gauge(owner, "ironclad.writeback.pending.count") == 0);
        }
    }

    /**
     * The moment of a push between its pending row and its link (it holds the digest's write lock
     * throughout): a flush round that finds the row unlinked then must wait for the lock and see the
     * link, not drop an acknowledged blob. Found on PostgreSQL, where the gap was wide enough to hit
     * 1 run in 4; here the test holds the gap open itself.
     */
    @Test
    void aFlushRoundDoesNotDropAPendingBlobWhileAPushStillHoldsItsDigest() throws Exception {
        byte[] blob = random(25_000, 6);
        Digest d = Digest.parse(digest(blob));
        try (Sidecar owner = replica("a", true)) {
            driver.down(true);
            Oci.pushMonolithic(owner, "wb/race", blob);
            Metadata metadata = owner.bean(Metadata.class);
            Metadata.BlobRow row = metadata.findBlob(d).orElseThrow();
            try (Coordination.DigestLock pushing = owner.bean(Coordination.class).lockForWrite(d)) {
                assertThat(metadata.unlinkBlob("wb/race", d)).isTrue();
                Await.until("a flush round reached the unlinked pending blob", Duration.ofSeconds(10),
                        () -> localCopies("a").isEmpty() || aThreadWaitsIn("PendingDrops"));
                assertThat(localCopies("a")).as("not dropped while a push holds the digest").hasSize(1);
                metadata.recordBlob("wb/race", row); // the push links it, then lets go
            }
            Await.until("the waiting round decided", Duration.ofSeconds(10), () -> !aThreadIsIn("PendingDrops"));
            assertThat(localCopies("a")).as("linked again before the round could decide: kept").hasSize(1);
            assertThat(owner.bean(WritebackPending.class).find(d)).as("still pending").isPresent();
        }
    }

    private static boolean aThreadIsIn(String simpleClassName) {
        return Thread.getAllStackTraces().values().stream()
                .anyMatch(stack -> Arrays.stream(stack).anyMatch(f -> f.getClassName().endsWith("." + simpleClassName)));
    }

    private static boolean aThreadWaitsIn(String simpleClassName) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.WAITING || e.getKey().getState() == Thread.State.TIMED_WAITING)
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("." + simpleClassName)));
    }

    private static double gauge(Sidecar sidecar, String name) {
        return sidecar.bean(MeterRegistry.class).get(name).gauge().value();
    }

    private java.util.List<Path> localCopies(String replica) {
        return files(replica, "blobs");
    }

    private java.util.List<Path> files(String replica, String area) {
        Path blobs = dir.resolve(replica).resolve("writeback").resolve(area);
        if (!Files.exists(blobs)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
