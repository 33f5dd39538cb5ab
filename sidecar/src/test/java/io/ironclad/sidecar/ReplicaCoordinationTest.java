package io.ironclad.sidecar;

import io.ironclad.sidecar.coordination.Coordination;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.OpsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three sidecars sharing one PostgreSQL schema, one store and a real ZooKeeper (Debian package,
 * started by {@code ops/zookeeper/zk.sh} unless CI exported {@code IRONCLAD_ZK_CONNECT}): pushes
 * split across replicas and surviving a stopped replica, one leader per job with failover, and
 * a ZooKeeper outage during which pushes and pulls go on while background jobs pause.
 */
@Tag("integration")
class ReplicaCoordinationTest {

    private static final Duration SESSION = Duration.ofSeconds(3);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String PAUSED = "ZooKeeper unreachable, background jobs paused";
    private static final String ZK_PORT = String.valueOf(freePort());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StorageDriver store = InMemoryDrivers.create();
    private final List<Sidecar> replicas = new ArrayList<>();
    private final String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private OpsService zookeeper;

    @BeforeEach
    void start() throws IOException {
        zookeeper = OpsService.get("zookeeper/zk.sh", "IRONCLAD_ZK_CONNECT", ZK_PORT);
        String db = Postgres.freshSchemaUrl();
        for (String name : List.of("a", "b", "c")) {
            replicas.add(new Sidecar(db, store, Files.createTempDirectory("ironclad-" + name), settings(name)));
        }
    }

    @AfterEach
    void stop() {
        replicas.forEach(Sidecar::close);
    }

    @Test
    void aPushSplitAcrossThreeReplicasAndOneBlobPushedToAllAtOnce() throws Exception {
        byte[] blob = bytes(90_000, 1);
        Sidecar a = replicas.get(0);
        Sidecar b = replicas.get(1);
        Sidecar c = replicas.get(2);
        String location = Oci.startUpload(a, "replicas/split");
        HttpResponse<byte[]> first = Oci.patch(b, location, Arrays.copyOfRange(blob, 0, 40_000), 0);
        assertThat(first.statusCode()).as(body(first)).isEqualTo(202);
        HttpResponse<byte[]> done = Oci.finish(c, patched(c, Oci.location(first), blob, 40_000), digest(blob));
        assertThat(done.statusCode()).as(body(done)).isEqualTo(201);
        assertPullable("replicas/split", blob);

        byte[] same = bytes(70_000, 2);
        List<CompletableFuture<Void>> pushes = replicas.stream()
                .map(r -> CompletableFuture.runAsync(() -> Oci.pushMonolithic(r, "replicas/same", same))).toList();
        CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get();
        assertPullable("replicas/same", same);
        assertThat(degradedLocks()).as("write locks that fell back to in-process while ZooKeeper was up").isZero();
    }

    @Test
    void aReplicaStoppedMidPushAndTheClientGoesOnElsewhere() {
        byte[] blob = bytes(120_000, 3);
        Sidecar a = replicas.get(0);
        String location = Oci.startUpload(a, "replicas/failover");
        HttpResponse<byte[]> first = Oci.patch(a, location, Arrays.copyOfRange(blob, 0, 50_000), 0);
        assertThat(first.statusCode()).as(body(first)).isEqualTo(202);
        a.close();
        replicas.remove(a);

        Sidecar b = replicas.get(0);
        Sidecar c = replicas.get(1);
        HttpResponse<byte[]> done = Oci.finish(c, patched(b, Oci.location(first), blob, 50_000), digest(blob));
        assertThat(done.statusCode()).as(body(done)).isEqualTo(201);
        assertPullable("replicas/failover", blob);
    }

    @Test
    void aStoppedLeaderIsReplacedWithinTheSessionTimeout() {
        Sidecar leader = awaitSingleLeader(Job.BLOB_GC, replicas);
        replicas.remove(leader);
        long start = System.nanoTime();
        leader.close();
        Sidecar next = awaitSingleLeader(Job.BLOB_GC, replicas);
        Duration failover = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("blob-gc leader stopped; new leader after " + failover.toMillis() + " ms (session timeout "
                + SESSION.toMillis() + " ms)");
        assertThat(failover).isLessThan(SESSION);
        long runs = runs(next, Job.BLOB_GC);
        Await.until("the new leader runs blob-gc", DEADLINE, () -> runs(next, Job.BLOB_GC) > runs);
    }

    @Test
    void withZooKeeperStoppedPushesAndPullsWorkAndJobsPauseUntilItIsBack() {
        awaitSingleLeader(Job.BLOB_GC, replicas);
        String dir = zookeeper.setting("IRONCLAD_ZK_DIR");
        zookeeper.control("stop", dir);
        try {
            for (Sidecar replica : replicas) {
                Await.until("health of :" + replica.port() + " says jobs are paused", DEADLINE,
                        () -> PAUSED.equals(coordination(replica).path("details").path("detail").asText()));
                JsonNode health = coordination(replica);
                assertThat(health.path("status").asText()).isEqualTo("UNKNOWN");
                assertThat(health.path("details").path("jobs").path("blob-gc").path("role").asText()).isEqualTo("paused");
                HttpResponse<byte[]> ready = replica.send(replica.request("/health/readiness").GET());
                assertThat(ready.statusCode()).as("readiness while only ZooKeeper is down: " + body(ready)).isEqualTo(200);
            }
            Map<Sidecar, Long> runs = new HashMap<>();
            Map<Sidecar, Long> skips = new HashMap<>();
            replicas.forEach(r -> runs.put(r, runs(r, Job.BLOB_GC)));
            replicas.forEach(r -> skips.put(r, skips(r, Job.BLOB_GC)));

            byte[] blob = bytes(60_000, 4);
            String location = Oci.startUpload(replicas.get(0), "replicas/outage");
            HttpResponse<byte[]> done = Oci.finish(replicas.get(2),
                    patched(replicas.get(1), location, blob, 0), digest(blob));
            assertThat(done.statusCode()).as(body(done)).isEqualTo(201);
            Oci.pushMonolithic(replicas.get(1), "replicas/outage", bytes(30_000, 5));
            assertPullable("replicas/outage", blob);
            assertThat(degradedLocks()).as("write locks that fell back to in-process during the outage").isGreaterThanOrEqualTo(2);

            for (Sidecar replica : replicas) {
                Await.until("the scheduler of :" + replica.port() + " skipped blob-gc three times", DEADLINE,
                        () -> skips(replica, Job.BLOB_GC) >= skips.get(replica) + 3);
                assertThat(runs(replica, Job.BLOB_GC)).as("blob-gc runs during the outage").isEqualTo(runs.get(replica));
            }
        } finally {
            zookeeper.control("start", dir);
        }
        Sidecar leader = awaitSingleLeader(Job.BLOB_GC, replicas);
        long runs = runs(leader, Job.BLOB_GC);
        Await.until("blob-gc runs again after ZooKeeper is back", DEADLINE, () -> runs(leader, Job.BLOB_GC) > runs);
        assertThat(coordination(leader).path("status").asText()).isEqualTo("UP");
    }

    private Map<String, Object> settings(String name) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("ironclad.coordination.replica-id", name);
        settings.put("ironclad.coordination.zookeeper.connect", zookeeper.setting("IRONCLAD_ZK_CONNECT"));
        settings.put("ironclad.coordination.zookeeper.namespace", namespace);
        settings.put("ironclad.coordination.zookeeper.session-timeout", SESSION.toMillis() + "ms");
        settings.put("ironclad.coordination.zookeeper.connection-timeout", "1s");
        settings.put("ironclad.gc.interval", "200ms");
        settings.put("ironclad.gc.initial-delay", "0s");
        settings.put("ironclad.gc.grace-period", "1h");
        settings.put("ironclad.uploads.reap-interval", "200ms");
        settings.put("ironclad.uploads.initial-delay", "0s");
        settings.put("endpoints.health.details-visible", "ANONYMOUS");
        return settings;
    }

    /** PATCHes {@code blob} from {@code offset} to its end on {@code replica}; returns the next location. */
    private static String patched(Sidecar replica, String location, byte[] blob, int offset) {
        HttpResponse<byte[]> r = Oci.patch(replica, location, Arrays.copyOfRange(blob, offset, blob.length), offset);
        assertThat(r.statusCode()).as(body(r)).isEqualTo(202);
        return Oci.location(r);
    }

    private void assertPullable(String repo, byte[] blob) {
        for (Sidecar replica : replicas) {
            HttpResponse<byte[]> pulled = Oci.get(replica, "/v2/" + repo + "/blobs/" + digest(blob));
            assertThat(pulled.statusCode()).as(body(pulled)).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(blob);
        }
    }

    private double degradedLocks() {
        return replicas.stream().mapToDouble(r -> r.bean(MeterRegistry.class).find("ironclad.coordination.degraded.locks")
                .counters().stream().mapToDouble(c -> c.count()).sum()).sum();
    }

    private static Sidecar awaitSingleLeader(Job job, List<Sidecar> replicas) {
        Await.until("exactly one replica's health says it leads " + job.id(), DEADLINE,
                () -> replicas.stream().filter(r -> "leader".equals(job(r, job).path("role").asText())).count() == 1);
        return replicas.stream().filter(r -> "leader".equals(job(r, job).path("role").asText())).findFirst().orElseThrow();
    }

    private static long runs(Sidecar replica, Job job) {
        return job(replica, job).path("runs").asLong();
    }

    private static long skips(Sidecar replica, Job job) {
        return job(replica, job).path("skips").asLong();
    }

    private static JsonNode job(Sidecar replica, Job job) {
        return coordination(replica).path("details").path("jobs").path(job.id());
    }

    /** The {@code coordination} entry of the replica's {@code /health}, as an operator reads it. */
    private static JsonNode coordination(Sidecar replica) {
        HttpResponse<byte[]> health = replica.send(replica.request("/health").GET());
        try {
            return JSON.readTree(health.body()).path("details").path("coordination");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
