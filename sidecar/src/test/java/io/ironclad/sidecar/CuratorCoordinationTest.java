package io.ironclad.sidecar;

import io.ironclad.sidecar.coordination.CuratorCoordination;
import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.coordination.CoordinationSettings;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.coordination.Coordination.DigestLock;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.sidecar.coordination.Coordination.Role;
import io.ironclad.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Three Curator coordinations on an in-JVM ZooKeeper (curator-test): election, failover, locks, outage. */
class CuratorCoordinationTest {

    private static final Duration SESSION = Duration.ofSeconds(3);
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Digest DIGEST = Digests.sha256("one blob".getBytes(StandardCharsets.UTF_8));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<CuratorCoordination> replicas = new ArrayList<>();
    private TestingServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        for (String name : List.of("a", "b", "c")) {
            replicas.add(replica(name));
        }
    }

    @AfterEach
    void stop() throws Exception {
        replicas.forEach(CuratorCoordination::close);
        server.close();
    }

    @Test
    void exactlyOneReplicaLeadsEachJob() {
        awaitOneLeaderPerJob(replicas);
        for (Job job : Job.values()) {
            assertThat(replicas.stream().map(r -> r.state().jobs().get(job).role()))
                    .as(job.id()).containsExactlyInAnyOrder(Role.LEADER, Role.FOLLOWER, Role.FOLLOWER);
        }
        CuratorCoordination leader = leaderOf(Job.BLOB_GC, replicas).orElseThrow();
        AtomicInteger ran = new AtomicInteger();
        for (CuratorCoordination replica : replicas) {
            assertThat(replica.runIfLeader(Job.BLOB_GC, ran::incrementAndGet)).isEqualTo(replica == leader);
        }
        assertThat(ran).hasValue(1);
        assertThat(leader.state().jobs().get(Job.BLOB_GC).runs()).isEqualTo(1);
        assertThat(replicas.stream().mapToLong(r -> r.state().jobs().get(Job.BLOB_GC).skips()).sum()).isEqualTo(2);
    }

    @Test
    void aClosedLeaderIsReplacedWithinTheSessionTimeout() {
        awaitOneLeaderPerJob(replicas);
        CuratorCoordination leader = leaderOf(Job.BLOB_GC, replicas).orElseThrow();
        long start = System.nanoTime();
        leader.close();
        replicas.remove(leader);
        Await.until("another replica leads blob-gc", DEADLINE, () -> leaderOf(Job.BLOB_GC, replicas).isPresent());
        Duration failover = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("failover after a leader closed: " + failover.toMillis() + " ms");
        assertThat(failover).isLessThan(SESSION);
    }

    @Test
    void aLeaderWhoseSessionExpiresStopsAtOnceAndIsReplacedWithinTheSessionTimeout() throws Exception {
        awaitOneLeaderPerJob(replicas);
        CuratorCoordination leader = leaderOf(Job.BLOB_GC, replicas).orElseThrow();
        long start = System.nanoTime();
        // what a leader sees after a long pause (GC, network): its session is gone, it must stop at once
        KillSession.kill(leader.client().getZookeeperClient().getZooKeeper());
        Await.until("expired leader stops leading", DEADLINE, () -> !leader.isLeader(Job.BLOB_GC));
        List<CuratorCoordination> others = replicas.stream().filter(r -> r != leader).toList();
        Await.until("a replica leads blob-gc after the expiry", DEADLINE, () -> leaderOf(Job.BLOB_GC, replicas).isPresent());
        Duration failover = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("failover after a leader's session expired: " + failover.toMillis() + " ms (session " + SESSION.toMillis() + " ms)");
        assertThat(failover).isLessThan(SESSION.plus(Duration.ofSeconds(2)));
        assertThat(replicas.stream().filter(r -> r.isLeader(Job.BLOB_GC)).count()).isEqualTo(1);
        assertThat(others).isNotEmpty();
    }

    @Test
    void aKilledLeaderIsReplacedWhenItsSessionExpires() throws Exception {
        replicas.forEach(CuratorCoordination::close);
        replicas.clear();
        Process doomed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeaderProcess.class.getName(),
                server.getConnectString(), "test", String.valueOf(SESSION.toMillis()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CompletableFuture<Boolean> leading = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> drain(doomed, leading));
            assertThat(leading.get(60, TimeUnit.SECONDS)).as("the other JVM leads blob-gc").isTrue();
            replicas.add(replica("a"));
            replicas.add(replica("b"));
            Await.until("the survivors see the doomed leader (followers)", DEADLINE, () -> replicas.stream()
                    .allMatch(r -> r.state().jobs().get(Job.BLOB_GC).role() == Role.FOLLOWER));
            long start = System.nanoTime();
            doomed.destroyForcibly();  // SIGKILL: no latch close, no session close
            Await.until("a survivor leads blob-gc", DEADLINE, () -> leaderOf(Job.BLOB_GC, replicas).isPresent());
            Duration failover = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("failover after a leader was killed: " + failover.toMillis() + " ms (session " + SESSION.toMillis() + " ms)");
            // ZooKeeper expires a silent session after its timeout, checked once per tick
            assertThat(failover).isLessThan(SESSION.plus(Duration.ofSeconds(2)));
        } finally {
            doomed.destroyForcibly();
        }
    }

    @Test
    void aDigestIsHeldByOneReplicaAtATime() throws Exception {
        awaitOneLeaderPerJob(replicas);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostHolders = new AtomicInteger();
        AtomicInteger sections = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(replicas.size() * 2);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (CuratorCoordination replica : replicas) {
                done.add(threads.submit(() -> hold(() -> replica.lockForWrite(DIGEST), holders, mostHolders, sections)));
                done.add(threads.submit(() -> hold(() -> replica.tryLockForDelete(DIGEST).orElseThrow(), holders, mostHolders, sections)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        System.out.println(sections.get() + " contended digest lock cycles over 3 replicas in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        assertThat(sections).hasValue(replicas.size() * 2 * 20);
        assertThat(mostHolders).as("holders of one digest at any moment").hasValue(1);
        assertThat(meters.find("ironclad.coordination.degraded.locks").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void withoutZooKeeperJobsPauseWriteLocksDegradeAndDeleteLocksAreRefused() throws Exception {
        awaitOneLeaderPerJob(replicas);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(CuratorCoordination.class);
        logger.addAppender(log);
        log.start();
        server.stop();
        Await.until("all replicas see ZooKeeper gone", DEADLINE, () -> replicas.stream().noneMatch(r -> r.state().reachable()));
        for (CuratorCoordination replica : replicas) {
            assertThat(replica.state().detail()).isEqualTo("ZooKeeper unreachable, background jobs paused");
            assertThat(replica.state().jobs().values()).allSatisfy(j -> assertThat(j.role()).isEqualTo(Role.PAUSED));
            assertThat(replica.runIfLeader(Job.BLOB_GC, () -> { throw new AssertionError("ran while paused"); })).isFalse();
            long start = System.nanoTime();
            try (DigestLock lock = replica.lockForWrite(DIGEST)) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
            assertThat(replica.tryLockForDelete(DIGEST)).isEmpty();
        }
        assertThat(meters.counter("ironclad.coordination.degraded.locks", "reason", "unreachable").count()).isEqualTo(3);

        server.restart();
        Await.until("all replicas reconnected", DEADLINE, () -> replicas.stream().allMatch(r -> r.state().reachable()));
        awaitOneLeaderPerJob(replicas);
        logger.detachAppender(log);
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("ZooKeeper connection lost")))
                .as("one 'paused' line per replica and outage").hasSize(replicas.size())
                .allSatisfy(m -> assertThat(m).startsWith("ZooKeeper connection lost: background jobs paused"));
        // "restored" only: a replica's first "established" line can arrive after the appender is
        // attached on a loaded machine (Curator reports the initial connection asynchronously)
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("ZooKeeper connection restored") && m.contains("background jobs resume")))
                .as("one 'resume' line per replica and outage").hasSize(replicas.size());
        assertThat(replicas.get(0).tryLockForDelete(DIGEST)).hasValueSatisfying(DigestLock::close);
    }

    @Test
    void aReplicaStartedWhileZooKeeperIsDownServesWritesAndRunsNoJobs() throws Exception {
        int port = server.getPort();
        server.stop();
        try (CuratorCoordination late = new CuratorCoordination(new CoordinationSettings("late", "127.0.0.1:" + port, "test",
                SESSION, Duration.ofSeconds(1), Duration.ofSeconds(5)), meters, Clock.systemUTC())) {
            assertThat(late.state().reachable()).isFalse();
            assertThat(late.state().detail()).isEqualTo(CuratorCoordination.PAUSED);
            assertThat(late.isLeader(Job.UPLOAD_REAPER)).isFalse();
            try (DigestLock lock = late.lockForWrite(DIGEST)) {
                assertThat(late.tryLockForDelete(Digests.sha256(new byte[] {1}))).isEmpty();
            }
            server.restart();
            Await.until("the late replica connects", DEADLINE, () -> late.state().reachable());
        }
    }

    /** Reads the process's output to its end (so its logging never blocks), completing {@code leading} at LEADER. */
    private static void drain(Process process, CompletableFuture<Boolean> leading) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals("LEADER")) {
                    leading.complete(true);
                }
            }
        } catch (IOException e) {
            leading.completeExceptionally(e);
        }
        leading.complete(false);
    }

    private CuratorCoordination replica(String name) {
        return new CuratorCoordination(new CoordinationSettings(name, server.getConnectString(), "test", SESSION,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), meters, Clock.systemUTC());
    }

    private static void hold(java.util.function.Supplier<DigestLock> locker, AtomicInteger holders, AtomicInteger most,
            AtomicInteger sections) {
        for (int i = 0; i < 20; i++) {
            try (DigestLock lock = locker.get()) {
                most.accumulateAndGet(holders.incrementAndGet(), Math::max);
                Thread.onSpinWait();
                sections.incrementAndGet();
                holders.decrementAndGet();
            }
        }
    }

    static void awaitOneLeaderPerJob(List<? extends Coordination> replicas) {
        for (Job job : Job.values()) {
            Await.until("exactly one leader of " + job.id(), DEADLINE,
                    () -> replicas.stream().filter(r -> r.isLeader(job)).count() == 1);
        }
    }

    private static <C extends Coordination> Optional<C> leaderOf(Job job, List<C> replicas) {
        List<C> leaders = replicas.stream().filter(r -> r.isLeader(job)).toList();
        assertThat(leaders).as("leaders of " + job.id()).hasSizeLessThanOrEqualTo(1);
        return leaders.stream().findFirst();
    }
}
