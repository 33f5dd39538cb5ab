package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.ManifestService;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static io.ironclad.sidecar.Oci.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The OCI Distribution API against one sidecar; subclasses choose the metadata database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRegistryApiTest {

    private final Random random = new Random(42);
    RefusingDeletes driver;
    Sidecar sidecar;

    abstract String jdbcUrl();

    /** A query counting sessions of this database that wait for a row lock on a SELECT ... FOR UPDATE. */
    abstract String lockWaitQuery();

    @BeforeAll
    void start() throws Exception {
        driver = new RefusingDeletes(InMemoryDrivers.create());
        sidecar = new Sidecar(jdbcUrl(), driver, Files.createTempDirectory("ironclad-api"));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    String repo() {
        return "it/" + UUID.randomUUID().toString().substring(0, 8);
    }

    byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    @Test
    void baseAnswersOk() {
        assertThat(Oci.get(sidecar, "/v2/").statusCode()).isEqualTo(200);
    }

    @Test
    void monolithicPushThenHeadAndGetWithCacheHeaders() {
        String repo = repo();
        byte[] blob = bytes(100_000);
        Oci.pushMonolithic(sidecar, repo, blob);

        HttpResponse<byte[]> head = Oci.head(sidecar, "/v2/" + repo + "/blobs/" + digest(blob));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue("100000");
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest(blob));
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");

        HttpResponse<byte[]> get = Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(blob);
        assertThat(get.headers().firstValue("ETag")).hasValue("\"" + digest(blob) + "\"");
    }

    @Test
    void chunkedPushInThreeParts() {
        String repo = repo();
        byte[] blob = bytes(30_000);
        String location = Oci.startUpload(sidecar, repo);
        for (int offset = 0; offset < blob.length; offset += 10_000) {
            HttpResponse<byte[]> r = Oci.patch(sidecar, location, Arrays.copyOfRange(blob, offset, offset + 10_000), offset);
            assertThat(r.statusCode()).as(body(r)).isEqualTo(202);
            assertThat(r.headers().firstValue("Range")).hasValue("0-" + (offset + 9_999));
            location = Oci.location(r);
        }
        HttpResponse<byte[]> status = Oci.get(sidecar, location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-29999");

        HttpResponse<byte[]> done = Oci.finish(sidecar, location, digest(blob));
        assertThat(done.statusCode()).as(body(done)).isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    @Test
    void rangeRequestsGive206AndInvalidRangesGive416() {
        String repo = repo();
        byte[] blob = bytes(1000);
        Oci.pushMonolithic(sidecar, repo, blob);
        String path = "/v2/" + repo + "/blobs/" + digest(blob);

        HttpResponse<byte[]> partial = sidecar.send(sidecar.request(path).header("Range", "bytes=10-19").GET());
        assertThat(partial.statusCode()).isEqualTo(206);
        assertThat(partial.body()).isEqualTo(Arrays.copyOfRange(blob, 10, 20));
        assertThat(partial.headers().firstValue("Content-Range")).hasValue("bytes 10-19/1000");

        HttpResponse<byte[]> invalid = sidecar.send(sidecar.request(path).header("Range", "bytes=5000-").GET());
        assertThat(invalid.statusCode()).isEqualTo(416);
        assertThat(invalid.headers().firstValue("Content-Range")).hasValue("bytes */1000");
    }

    @Test
    void wrongDigestOnFinaliseIsRefusedAndNothingIsKept() throws Exception {
        String repo = repo();
        byte[] blob = bytes(5000);
        String wrong = digest(bytes(10));
        String location = Oci.startUpload(sidecar, repo);
        Oci.patch(sidecar, location, blob, 0);

        HttpResponse<byte[]> done = Oci.finish(sidecar, location, wrong);
        assertThat(done.statusCode()).isEqualTo(400);
        assertThat(errorCode(done)).isEqualTo("DIGEST_INVALID");
        assertThat(Oci.head(sidecar, "/v2/" + repo + "/blobs/" + wrong).statusCode()).isEqualTo(404);
        assertThat(Oci.head(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).statusCode()).isEqualTo(404);
        assertThat(Oci.get(sidecar, location).statusCode()).isEqualTo(404);
        assertThat(keys("blobs/")).noneMatch(k -> k.endsWith(wrong.substring(7)) || k.endsWith(digest(blob).substring(7)));
    }

    @Test
    void outOfOrderPatchIs416AndTheSessionStaysUsable() {
        String repo = repo();
        byte[] blob = bytes(2000);
        String location = Oci.startUpload(sidecar, repo);
        location = Oci.location(Oci.patch(sidecar, location, Arrays.copyOfRange(blob, 0, 1000), 0));

        HttpResponse<byte[]> gap = Oci.patch(sidecar, location, Arrays.copyOfRange(blob, 1000, 2000), 1500);
        assertThat(gap.statusCode()).isEqualTo(416);
        assertThat(gap.headers().firstValue("Range")).hasValue("0-999");

        location = Oci.location(Oci.patch(sidecar, location, Arrays.copyOfRange(blob, 1000, 2000), 1000));
        assertThat(Oci.finish(sidecar, location, digest(blob)).statusCode()).isEqualTo(201);
    }

    @Test
    void unknownUploadIsBlobUploadUnknown() {
        HttpResponse<byte[]> r = Oci.get(sidecar, "/v2/" + repo() + "/blobs/uploads/" + UUID.randomUUID());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void cancelledUploadIsGone() {
        String repo = repo();
        String location = Oci.startUpload(sidecar, repo);
        Oci.patch(sidecar, location, bytes(100), 0);
        assertThat(sidecar.send(sidecar.request(location).DELETE()).statusCode()).isEqualTo(204);
        assertThat(Oci.get(sidecar, location).statusCode()).isEqualTo(404);
    }

    @Test
    void invalidNamesAreRefused() {
        assertThat(errorCode(Oci.get(sidecar, "/v2/Upper/blobs/uploads/x"))).isEqualTo("NAME_INVALID");
        HttpResponse<byte[]> dots = sidecar.send(sidecar.request("/v2/a/../b/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(dots.statusCode()).isIn(400, 404);
        HttpResponse<byte[]> dotSegment = sidecar.send(sidecar.request("/v2/a/..b/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(errorCode(dotSegment)).isEqualTo("NAME_INVALID");
        assertThat(errorCode(Oci.get(sidecar, "/v2/a/blobs/sha256:xyz"))).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void manifestByTagAndDigestWithHeaders() {
        String repo = repo();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = bytes(3000);
        Oci.pushMonolithic(sidecar, repo, config);
        Oci.pushMonolithic(sidecar, repo, layer);
        byte[] manifest = Oci.imageManifest(config, layer);

        HttpResponse<byte[]> put = Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, manifest);
        assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest(manifest));

        HttpResponse<byte[]> byTag = Oci.get(sidecar, "/v2/" + repo + "/manifests/v1");
        assertThat(byTag.body()).isEqualTo(manifest);
        assertThat(byTag.headers().firstValue("Content-Type")).hasValue(Oci.OCI_MANIFEST);
        assertThat(byTag.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<byte[]> byDigest = Oci.head(sidecar, "/v2/" + repo + "/manifests/" + digest(manifest));
        assertThat(byDigest.statusCode()).isEqualTo(200);
        assertThat(byDigest.headers().firstValue("Content-Length")).hasValue(Integer.toString(manifest.length));
        assertThat(byDigest.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");

        assertThat(sidecar.send(sidecar.request("/v2/" + repo + "/manifests/" + digest(manifest)).DELETE()).statusCode()).isEqualTo(202);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(404);
    }

    @Test
    void manifestWithMissingBlobOrBadJsonIsRefused() {
        String repo = repo();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Oci.pushMonolithic(sidecar, repo, config);
        HttpResponse<byte[]> missing = Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, Oci.imageManifest(config, bytes(10)));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(errorCode(missing)).isEqualTo("MANIFEST_BLOB_UNKNOWN");

        HttpResponse<byte[]> invalid = Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, "{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(errorCode(invalid)).isEqualTo("MANIFEST_INVALID");
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(404);

        byte[] huge = new byte[ManifestService.MANIFEST_LIMIT + 10];
        assertThat(Oci.putManifest(sidecar, repo, "big", Oci.OCI_MANIFEST, huge).statusCode()).isEqualTo(413);
    }

    @Test
    void tagListPaginatesWithLinkHeader() {
        String repo = repo();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Oci.pushMonolithic(sidecar, repo, config);
        byte[] manifest = Oci.imageManifest(config);
        for (String tag : List.of("c", "a", "b")) {
            assertThat(Oci.putManifest(sidecar, repo, tag, Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        }
        HttpResponse<byte[]> first = Oci.get(sidecar, "/v2/" + repo + "/tags/list?n=2");
        assertThat(body(first)).contains("[\"a\",\"b\"]");
        assertThat(first.headers().firstValue("Link")).hasValue("</v2/" + repo + "/tags/list?n=2&last=b>; rel=\"next\"");
        HttpResponse<byte[]> second = Oci.get(sidecar, "/v2/" + repo + "/tags/list?n=2&last=b");
        assertThat(body(second)).contains("[\"c\"]");
        assertThat(second.headers().firstValue("Link")).isEmpty();
        assertThat(errorCode(Oci.get(sidecar, "/v2/" + repo() + "/tags/list"))).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    void referrersListsSubjectManifestsFilteredByArtifactType() {
        String repo = repo();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Oci.pushMonolithic(sidecar, repo, config);
        byte[] subject = Oci.imageManifest(config);
        Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, subject);
        String sig = "{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"artifactType\":\"application/x.sig\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":2},"
                + "\"layers\":[],\"subject\":{\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"digest\":\"" + digest(subject)
                + "\",\"size\":" + subject.length + "},\"annotations\":{\"k\":\"v\"}}";
        byte[] sigBytes = sig.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> put = Oci.putManifest(sidecar, repo, digest(sigBytes), Oci.OCI_MANIFEST, sigBytes);
        assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).hasValue(digest(subject));

        HttpResponse<byte[]> all = Oci.get(sidecar, "/v2/" + repo + "/referrers/" + digest(subject));
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(body(all)).contains(digest(sigBytes)).contains("application/x.sig").contains("\"k\":\"v\"");
        HttpResponse<byte[]> filtered = Oci.get(sidecar, "/v2/" + repo + "/referrers/" + digest(subject) + "?artifactType=other/type");
        assertThat(body(filtered)).doesNotContain(digest(sigBytes));
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    }

    @Test
    void crossRepositoryMountAndCatalog() {
        String from = repo();
        String to = repo();
        byte[] blob = bytes(500);
        Oci.pushMonolithic(sidecar, from, blob);
        HttpResponse<byte[]> mount = sidecar.send(sidecar.request("/v2/" + to + "/blobs/uploads/?mount=" + digest(blob) + "&from=" + from)
                .POST(BodyPublishers.noBody()));
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/" + to + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
        assertThat(body(Oci.get(sidecar, "/v2/_catalog?n=10000"))).contains(from).contains(to);
    }

    @Test
    void deletedBlobIsUnknownInThatRepository() {
        String repo = repo();
        byte[] blob = bytes(50);
        Oci.pushMonolithic(sidecar, repo, blob);
        assertThat(sidecar.send(sidecar.request("/v2/" + repo + "/blobs/" + digest(blob)).DELETE()).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> r = Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob));
        assertThat(errorCode(r)).isEqualTo("BLOB_UNKNOWN");
    }

    @Test
    void collectorDeletesBlobsNoRepositoryLinks() throws Exception {
        String kept = repo();
        String dropped = repo();
        byte[] shared = bytes(300);
        byte[] orphan = bytes(400);
        Oci.pushMonolithic(sidecar, kept, shared);
        // a manifest references the shared blob in `kept`: reachability GC unlinks blobs no manifest names
        assertThat(Oci.putManifest(sidecar, kept, "v1", Oci.OCI_MANIFEST, Oci.imageManifest(shared)).statusCode()).isEqualTo(201);
        Oci.pushMonolithic(sidecar, dropped, shared);
        Oci.pushMonolithic(sidecar, dropped, orphan);
        sidecar.send(sidecar.request("/v2/" + dropped + "/blobs/" + digest(shared)).DELETE());
        sidecar.send(sidecar.request("/v2/" + dropped + "/blobs/" + digest(orphan)).DELETE());

        assertThat(sidecar.bean(BlobCollector.class).collect()).isGreaterThanOrEqualTo(1);
        assertThat(keys("blobs/")).noneMatch(k -> k.endsWith(digest(orphan).substring(7)));
        assertThat(Oci.get(sidecar, "/v2/" + kept + "/blobs/" + digest(shared)).body()).isEqualTo(shared);
        Oci.pushMonolithic(sidecar, dropped, orphan);
        assertThat(Oci.get(sidecar, "/v2/" + dropped + "/blobs/" + digest(orphan)).body()).isEqualTo(orphan);
    }

    /**
     * A replica cut off from ZooKeeper pushes under an in-process lock only; the database keeps its
     * push and a collector on another replica apart. Both sides are played here through the
     * metadata calls the other replica would make.
     */
    @Test
    void theCollectorSkipsABlobBeingPushedAndAPushWaitsForACollectionUnderWay() throws Exception {
        String repo = repo();
        byte[] blob = bytes(700);
        Digest d = pushedThenUnlinked(repo, blob);
        ObjectKey key = BlobLayout.key(d);
        Metadata metadata = sidecar.bean(Metadata.class);

        String intent = metadata.beginBlobWrite(d);   // another replica is storing the same blob
        sidecar.bean(BlobCollector.class).collect();
        assertThat(driver.stat(key, ReadOptions.FRESH).size()).as("bytes of a blob being pushed").isEqualTo(700);
        assertThat(metadata.findBlob(d)).isPresent();
        metadata.endBlobWrite(intent);

        // another replica's collector marked the blob and is deleting its bytes: a push of it waits
        assertThat(metadata.markCollecting(d, Instant.now(), Instant.now())).isTrue();
        ExecutorService pusher = Executors.newSingleThreadExecutor();
        try {
            Future<?> push = pusher.submit(() -> Oci.pushMonolithic(sidecar, repo, blob));
            int waits = Await.until("the push recorded its intent", Duration.ofSeconds(10), () -> intents(d) == 1);
            assertThat(push.isDone()).as("push done while the blob is collecting (after %d waits)", waits).isFalse();
            driver.delete(key);
            assertThat(metadata.deleteCollectedBlob(d)).isTrue();
            push.get(10, TimeUnit.SECONDS);
        } finally {
            pusher.shutdownNow();
        }
        assertThat(intents(d)).as("intent ended with the push").isZero();
        assertThat(driver.stat(key, ReadOptions.FRESH).size()).as("the push stored the bytes again").isEqualTo(700);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + d).body()).isEqualTo(blob);
    }

    @Test
    void aCollectionLeftUnderWayIsFinishedByTheNextRunEvenWithAPushWaitingOnIt() throws Exception {
        Digest d = pushedThenUnlinked(repo(), bytes(800));
        Metadata metadata = sidecar.bean(Metadata.class);
        assertThat(metadata.markCollecting(d, Instant.now().plusSeconds(1), Instant.now())).isTrue();   // a collector died here (its cut-off past the blob's creation, even within one millisecond)
        String waiting = metadata.beginBlobWrite(d);   // a push waits for it: it must not hold the collection up

        sidecar.bean(BlobCollector.class).collect();
        metadata.endBlobWrite(waiting);
        assertThat(metadata.findBlob(d)).isEmpty();
        assertThat(keys("blobs/")).noneMatch(k -> k.endsWith(d.hex()));
    }

    @Test
    void aFailedDeleteClearsTheMarkSoPushesGoOnAndTheNextRunCollects() throws Exception {
        String repo = repo();
        byte[] blob = bytes(600);
        Digest d = pushedThenUnlinked(repo, blob);
        ObjectKey key = BlobLayout.key(d);
        Metadata metadata = sidecar.bean(Metadata.class);
        driver.refuse(key);

        sidecar.bean(BlobCollector.class).collect();
        assertThat(metadata.findBlob(d)).as("row kept after a failed delete").isPresent();
        assertThat(metadata.blobCollecting(d)).as("mark cleared").isFalse();
        assertThat(driver.stat(key, ReadOptions.FRESH).size()).isEqualTo(600);
        Oci.pushMonolithic(sidecar, repo, blob);   // would wait out ironclad.gc.push-wait on a mark left behind
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + d).body()).isEqualTo(blob);

        assertThat(sidecar.send(sidecar.request("/v2/" + repo + "/blobs/" + d).DELETE()).statusCode()).isEqualTo(202);
        driver.allow(key);
        sidecar.bean(BlobCollector.class).collect();
        assertThat(metadata.findBlob(d)).isEmpty();
        assertThat(keys("blobs/")).noneMatch(k -> k.endsWith(d.hex()));
    }

    @Test
    void aPushSeesAMarkThatIsNotCommittedYetByWaitingForIt() throws Exception {
        Digest d = pushedThenUnlinked(repo(), bytes(900));
        Metadata metadata = sidecar.bean(Metadata.class);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (var collector = sidecar.bean(javax.sql.DataSource.class).getConnection()) {
            collector.setAutoCommit(false);
            try (var mark = collector.prepareStatement("UPDATE blobs SET collecting = TRUE WHERE digest = ?")) {
                mark.setString(1, d.toString());
                assertThat(mark.executeUpdate()).isEqualTo(1);
            }
            Future<Boolean> collecting = reader.submit(() -> metadata.blobCollecting(d));
            Await.until("the push's read waits for the collector's row lock", Duration.ofSeconds(10), () -> count(lockWaitQuery()) > 0);
            assertThat(collecting.isDone()).isFalse();
            collector.commit();
            assertThat(collecting.get(10, TimeUnit.SECONDS)).as("the mark, read once committed").isTrue();
        } finally {
            reader.shutdownNow();
            metadata.unmarkCollecting(d);
        }
    }

    /** Pushes {@code blob} to {@code repository} and deletes it there again: an unreferenced blob, as the collector finds it. */
    private Digest pushedThenUnlinked(String repository, byte[] blob) {
        Oci.pushMonolithic(sidecar, repository, blob);
        assertThat(sidecar.send(sidecar.request("/v2/" + repository + "/blobs/" + digest(blob)).DELETE()).statusCode()).isEqualTo(202);
        return Digest.parse(digest(blob));
    }

    private long intents(Digest digest) {
        return count("SELECT COUNT(*) FROM blob_write_intents WHERE digest = '" + digest + "'");
    }

    private long count(String sql) {
        try (var c = sidecar.bean(javax.sql.DataSource.class).getConnection(); var ps = c.prepareStatement(sql)) {
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void clientDisconnectingMidPatchLeavesTheSessionResumable() throws Exception {
        String repo = repo();
        byte[] blob = bytes(4000);
        String location = Oci.startUpload(sidecar, repo);
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 4000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(blob, 0, 1000);
            out.flush();
        }
        HttpResponse<byte[]> status = awaitStatus(location);
        assertThat(status.headers().firstValue("Range")).hasValue("0-0");
        location = Oci.location(Oci.patch(sidecar, location, blob, 0));
        assertThat(Oci.finish(sidecar, location, digest(blob)).statusCode()).isEqualTo(201);
    }

    /** The session's status once the server has given up on the broken request (bounded wait, no sleep). */
    private HttpResponse<byte[]> awaitStatus(String location) {
        HttpResponse<byte[]> status = Oci.get(sidecar, location);
        assertThat(status.statusCode()).isEqualTo(204);
        return status;
    }

    @Test
    void contentLengthLargerThanBodyStoresNothing() throws Exception {
        String repo = repo();
        byte[] blob = bytes(100);
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/" + repo + "/blobs/uploads/?digest=" + digest(blob) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 200\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(blob);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).doesNotStartWith("HTTP/1.1 201");
        }
        assertThat(Oci.head(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentPushesOfOneBlobStoreOneCopy() throws Exception {
        byte[] blob = bytes(200_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> pushes = List.of(
                    () -> pushChunked(repo(), blob), () -> pushChunked(repo(), blob),
                    () -> pushChunked(repo(), blob), () -> pushChunked(repo(), blob));
            for (Future<Integer> f : pool.invokeAll(pushes)) {
                assertThat(f.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        String hex = digest(blob).substring(7);
        assertThat(keys("blobs/sha256/" + hex.substring(0, 2) + "/")).filteredOn(k -> k.endsWith(hex)).hasSize(1);
    }

    private int pushChunked(String repo, byte[] blob) {
        String location = Oci.startUpload(sidecar, repo);
        location = Oci.location(Oci.patch(sidecar, location, blob, 0));
        return Oci.finish(sidecar, location, digest(blob)).statusCode();
    }

    List<String> keys(String prefix) throws Exception {
        return driver.list(ListRequest.prefix(prefix)).entries().stream().map(e -> e.key().value()).toList();
    }
}
