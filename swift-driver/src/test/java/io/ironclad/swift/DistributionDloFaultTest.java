package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.testsupport.DockerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure this project exists for: CNCF distribution 2.8.2 (Debian {@code docker-registry})
 * stores a 20 MiB blob as a Dynamic Large Object while the zone-1 container server is down; its
 * listing stays behind, and the read-affinity proxy assembles the DLO from it. ConsistentStore,
 * reading the same object as a legacy (metadata-less) object with the blob's known digest, either
 * serves the right bytes or refuses; it never returns a complete wrong body.
 */
@Tag("integration")
class DistributionDloFaultTest {

    private static final int BLOB_SIZE = 20 * 1024 * 1024;
    private static final String STALE_CONTAINER_SERVER = "container-1";
    private static final String CONTAINER = "registry";

    @TempDir
    Path temp;

    @Test
    void consistentStoreNeverServesAWrongBodyOfAStaleListingDlo() throws Exception {
        SwiftAio aio = SwiftAio.get();
        byte[] blob = SwiftReplicaFaultTest.random(20, BLOB_SIZE);
        Digest digest = SwiftReplicaFaultTest.sha256(blob);
        ObjectKey key = ObjectKey.of("files/docker/registry/v2/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex() + "/data");

        boolean containerServerDown = false;
        try (DockerRegistry registry = DockerRegistry.start(
                new DockerRegistry.SwiftStorage(aio.authUrl(), aio.user(), aio.key(), CONTAINER), temp)) {
            aio.stopServer(STALE_CONTAINER_SERVER);
            containerServerDown = true;
            push(registry.url().toString(), "dlo/" + UUID.randomUUID(), blob, digest);
        } finally {
            if (containerServerDown) {
                aio.startServer(STALE_CONTAINER_SERVER);
            }
        }

        RawSwift affinity = new RawSwift(aio.affinityAuthUrl(), aio.user(), aio.key());
        int wrong = 0;
        for (int i = 0; i < 5; i++) {
            byte[] served = affinity.get("/" + CONTAINER + "/" + key.value()).body();
            if (!SwiftReplicaFaultTest.sha256(served).equals(digest)) {
                wrong++;
            }
        }
        System.out.printf("[swift faults] distribution DLO: %d of 5 plain GETs through the affinity proxy returned 200 with a wrong sha256%n", wrong);
        assertThat(wrong).as("plain GETs of the DLO with a wrong body (the fault is real)").isPositive();

        for (VerificationMode mode : VerificationMode.values()) {
            readThroughConsistentStore(aio, mode, key, digest);
        }
    }

    private void readThroughConsistentStore(SwiftAio aio, VerificationMode mode, ObjectKey key, Digest digest) throws IOException {
        List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();
        ConsistentStoreConfig config = new ConsistentStoreConfig(
                new ConsistencyPolicy(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500), 0.5), mode,
                Files.createDirectories(temp.resolve("cache-" + mode)), ConsistentStoreConfig.DEFAULT_CACHE_MAX_BYTES,
                ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES);
        String outcome;
        try (ConsistentStore store = ConsistentStores.create(SwiftDrivers.create(aio.affinityConfig(CONTAINER)), config,
                List.of(events::add), new SimpleMeterRegistry())) {
            try (VerifiedContent content = store.open(key, Expectation.known(digest, BLOB_SIZE), Optional.empty())) {
                byte[] served = content.body().readAllBytes();
                assertThat(SwiftReplicaFaultTest.sha256(served)).as("a body ConsistentStore delivered whole").isEqualTo(digest);
                outcome = "served the right bytes";
            } catch (IOException e) {
                // stream mode refuses by failing the body before its last byte
                assertThat(e).hasRootCauseInstanceOf(IntegrityException.class);
                outcome = "refused mid-stream: " + e.getMessage();
            } catch (IntegrityException | ConsistencyTimeoutException e) {
                outcome = "refused: " + e.getClass().getSimpleName();
            }
        } catch (io.ironclad.driver.StorageException e) {
            throw new AssertionError("unexpected failure reading " + key, e);
        }
        long retries = events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.RETRY).count();
        long freshness = events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.FRESHNESS_FETCH).count();
        System.out.printf("[swift faults] distribution DLO, %s mode: ConsistentStore %s after %d retries, %d freshness fetches%n",
                mode, outcome, retries, freshness);
    }

    /** A monolithic blob upload through the OCI distribution API: POST an upload, PUT the bytes with the digest. */
    private static void push(String registry, String repository, byte[] blob, Digest digest) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create(registry + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as("upload start: %s", started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI upload = URI.create(registry).resolve(location);
        String separator = upload.getQuery() == null ? "?" : "&";
        HttpResponse<String> finished = client.send(HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(finished.statusCode()).as("upload finish: %s", finished.body()).isEqualTo(201);
    }
}
