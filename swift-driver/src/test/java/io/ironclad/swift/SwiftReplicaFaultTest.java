package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.StoredObject;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.PathEncoding;
import io.ironclad.driver.Payload;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real replica faults on the 3-replica all-in-one, read through the proxy with read affinity for
 * zone 1, so the replica a test made stale is the one read first. Replicators and updaters do not
 * run, so each fault lasts until the test heals it; stopped servers are restarted after each test.
 */
@Tag("integration")
class SwiftReplicaFaultTest {

    private static final String CONTAINER = "faults";
    private static final String STALE_OBJECT_SERVER = "object-1";
    private static final int MIB = 1024 * 1024;

    private static SwiftAio aio;
    private static StorageDriver driver;
    private static RawSwift raw;

    private final Set<String> stopped = new LinkedHashSet<>();
    private final List<ConsistentStore> stores = new ArrayList<>();
    private final List<ConsistencyEvent> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path temp;

    @BeforeAll
    static void connect() throws Exception {
        aio = SwiftAio.get();
        driver = SwiftDrivers.create(aio.affinityConfig(CONTAINER).withSegmentSize(MIB));
        raw = new RawSwift(aio.affinityAuthUrl(), aio.user(), aio.key());
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @AfterEach
    void heal() {
        stores.forEach(ConsistentStore::close);
        for (String server : stopped) {
            aio.startServer(server);
        }
    }

    @Test
    void overwriteWhileAPrimaryWasDownReadsNewThroughFreshnessAndConsistentStore() throws Exception {
        ObjectKey key = keyWithPrimaryInZone1("overwrite");
        byte[] v1 = random(1, 200_000);
        byte[] v2 = random(2, 200_000);
        ConsistentStore writer = store("writer", ConsistencyPolicy.DEFAULT);
        writer.put(key, Expectation.known(sha256(v1), v1.length), Payload.ofBytes(v1));
        stop(STALE_OBJECT_SERVER);
        writer.put(key, Expectation.known(sha256(v2), v2.length), Payload.ofBytes(v2));
        start(STALE_OBJECT_SERVER);

        assertThat(read(driver.open(key, ReadOptions.PLAIN))).as("plain read of the stale zone-1 replica").isEqualTo(v1);
        assertThat(read(driver.open(key, ReadOptions.FRESH))).as("X-Newest read").isEqualTo(v2);
        assertThat(driver.stat(key, ReadOptions.FRESH).metadata("ironclad-digest")).contains(sha256(v2).toString());

        events.clear();
        ConsistentStore reader = store("reader", ConsistencyPolicy.DEFAULT);
        try (VerifiedContent content = reader.open(key, Expectation.known(sha256(v2), v2.length), Optional.empty())) {
            assertThat(content.body().readAllBytes()).isEqualTo(v2);
        }
        report("stale overwrite", key);
        driver.delete(key);
    }

    @Test
    void deleteWhileAPrimaryWasDownIsGoneForFreshnessReads() throws Exception {
        ObjectKey key = keyWithPrimaryInZone1("delete");
        byte[] body = random(3, 100_000);
        Digest digest = sha256(body);
        ConsistentStore writer = store("writer", ConsistencyPolicy.DEFAULT);
        writer.put(key, Expectation.known(digest, body.length), Payload.ofBytes(body));
        stop(STALE_OBJECT_SERVER);
        writer.delete(key);
        start(STALE_OBJECT_SERVER);

        assertThat(driver.stat(key, ReadOptions.PLAIN).size()).as("the zone-1 replica resurrects the object for plain reads")
                .isEqualTo(body.length);
        assertThatThrownBy(() -> driver.stat(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> driver.open(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);

        // A resurrected blob is still its own content: ConsistentStore serves it only after
        // verifying it against its digest, so what it serves is never wrong bytes. Deciding that
        // the key is gone is the metadata database's job (the sidecar answers HEAD from it).
        events.clear();
        ConsistentStore reader = store("reader", ConsistencyPolicy.DEFAULT);
        StoredObject seen = reader.stat(key, Expectation.unknown(digest));
        assertThat(seen.digest()).isEqualTo(digest);
        assertThat(seen.size()).isEqualTo(body.length);
        try (InputStream in = reader.open(key, Expectation.known(digest, body.length), java.util.Optional.empty()).body()) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        report("resurrection", key);
        driver.delete(key);
    }

    @Test
    void sloWithASegmentReplacedOutOfBandIsNeverServed() throws Exception {
        ObjectKey key = ObjectKey.of("slo/" + UUID.randomUUID());
        byte[] body = random(4, 3 * MIB);
        Digest digest = sha256(body);
        store("writer", ConsistencyPolicy.DEFAULT).put(key, Expectation.known(digest, body.length), Payload.ofBytes(body));

        JsonNode manifest = new ObjectMapper().readTree(raw.get("/" + CONTAINER + "/" + key.value() + "?multipart-manifest=get").body());
        assertThat(manifest).as("a 3 MiB put with 1 MiB segments is an SLO of 3 segments").hasSize(3);
        String segment = manifest.get(1).path("name").asText();
        assertThat(raw.put(encodePath(segment), random(5, MIB))).isEqualTo(201);

        assertThatThrownBy(() -> read(driver.open(key, ReadOptions.FRESH)))
                .as("Swift checks each segment's etag against the manifest and aborts the body").isInstanceOf(IOException.class);
        events.clear();
        ConsistentStore reader = store("reader", new ConsistencyPolicy(Duration.ofSeconds(3), Duration.ofMillis(50), Duration.ofMillis(500), 0.5));
        assertThatThrownBy(() -> {
            try (VerifiedContent content = reader.open(key, Expectation.known(digest, body.length), Optional.empty())) {
                content.body().readAllBytes();
            }
        }).isInstanceOfAny(IntegrityException.class, ConsistencyTimeoutException.class);
        report("replaced SLO segment", key);
        driver.delete(key);
    }

    // --- helpers ---

    private ConsistentStore store(String name, ConsistencyPolicy policy) throws IOException {
        StorageDriver own = SwiftDrivers.create(aio.affinityConfig(CONTAINER).withSegmentSize(MIB));
        ConsistentStoreConfig config = new ConsistentStoreConfig(policy, VerificationMode.SPOOL, Files.createDirectories(temp.resolve(name)),
                ConsistentStoreConfig.DEFAULT_CACHE_MAX_BYTES, ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES);
        ConsistentStore store = ConsistentStores.create(own, config, List.of(events::add), new SimpleMeterRegistry());
        stores.add(store);
        return store;
    }

    private void report(String fault, ObjectKey key) {
        long retries = events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.RETRY).count();
        long freshness = events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.FRESHNESS_FETCH).count();
        System.out.printf("[swift faults] %s (%s): ConsistentStore read needed %d retries, %d freshness fetches; events %s%n",
                fault, key, retries, freshness, events.stream().map(e -> e.kind() + "(" + e.detail() + ")").toList());
    }

    private void stop(String server) {
        stopped.add(server);
        aio.stopServer(server);
    }

    private void start(String server) {
        aio.startServer(server);
        stopped.remove(server);
    }

    /** A key one of whose three primaries is the zone-1 object server, the one the affinity proxy reads first. */
    private ObjectKey keyWithPrimaryInZone1(String prefix) {
        for (int i = 0; i < 100; i++) {
            ObjectKey key = ObjectKey.of(prefix + "/" + UUID.randomUUID());
            if (aio.objectZones(raw.account(), CONTAINER, key.value()).subList(0, 3).contains(1)) {
                return key;
            }
        }
        throw new AssertionError("no key with a zone-1 primary in 100 tries");
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed ^ System.nanoTime()).nextBytes(bytes);
        return bytes;
    }

    static Digest sha256(byte[] bytes) {
        try {
            return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] read(ObjectContent content) throws IOException {
        try (content; InputStream body = content.body()) {
            return body.readAllBytes();
        }
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (!segment.isEmpty()) {
                out.append('/').append(PathEncoding.segment(segment));
            }
        }
        return out.toString();
    }
}
