package io.ironclad.sidecar.coordination;

import io.ironclad.sidecar.jobs.JobLedger;
import io.ironclad.sidecar.registry.UploadClaims;
import io.ironclad.driver.Digest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper through Curator: a {@link LeaderLatch} per job under {@code /leaders/<job>} and an
 * {@link InterProcessMutex} per digest under {@code /locks/<algorithm>/<hex>}, both in the
 * configured namespace. Leadership counts only while the connection is up (not suspended).
 */
public final class CuratorCoordination implements Coordination, ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(CuratorCoordination.class);
    public static final String PAUSED = "ZooKeeper unreachable, background jobs paused";

    private final CoordinationSettings settings;
    private final CuratorFramework client;
    private final Map<Job, LeaderLatch> latches = new EnumMap<>(Job.class);
    private final DigestLocks local = new DigestLocks();
    private final UploadClaims uploads = new UploadClaims();
    private final JobLedger ledger;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicBoolean pausedLogged = new AtomicBoolean();
    private final Counter degradedUnreachable;
    private final Counter degradedTimeout;

    public CuratorCoordination(CoordinationSettings settings, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.ledger = new JobLedger(clock);
        this.degradedUnreachable = degradedCounter(meters, "unreachable");
        this.degradedTimeout = degradedCounter(meters, "timeout");
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.connect())
                .namespace(settings.namespace())
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(settings.connectionTimeout().toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000))
                .build();
        client.getConnectionStateListenable().addListener(this);
        pausedLogged.set(true);  // nothing runs before the first connection; CONNECTED says when jobs start
        client.start();
        try {
            for (Job job : Job.values()) {
                LeaderLatch latch = new LeaderLatch(client, "/leaders/" + job.id(), settings.replica());
                latch.addListener(leadershipLog(job));
                latches.put(job, latch);
                latch.start();
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start leader election at ZooKeeper " + settings.connect(), e);
        }
        LOG.info("replica {} coordinates through ZooKeeper at {} (namespace {}, session timeout {}); background jobs wait for the connection",
                settings.replica(), settings.connect(), settings.namespace(), settings.sessionTimeout());
    }

    @Override
    public void stateChanged(CuratorFramework source, ConnectionState state) {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
            connected.set(true);
            if (pausedLogged.getAndSet(false)) {
                LOG.info("ZooKeeper connection {} ({}): background jobs resume",
                        state == ConnectionState.CONNECTED ? "established" : "restored", settings.connect());
            }
        } else {
            // SUSPENDED, LOST, READ_ONLY: nobody can be sure who leads, so nobody here does
            connected.set(false);
            if (!pausedLogged.getAndSet(true)) {
                LOG.warn("ZooKeeper connection lost: background jobs paused ({} at {})", state, settings.connect());
            }
        }
    }

    @Override
    public boolean isLeader(Job job) {
        return connected.get() && latches.get(job).hasLeadership();
    }

    @Override
    public boolean runIfLeader(Job job, Runnable work) {
        return ledger.run(job, isLeader(job), work);
    }

    @Override
    public DigestLock lockForWrite(Digest digest) {
        ReentrantLock stripe = local.lock(digest);
        if (!connected.get()) {
            return degraded(stripe, digest, degradedUnreachable, "ZooKeeper is unreachable");
        }
        InterProcessMutex mutex = mutex(digest);
        try {
            if (mutex.acquire(settings.lockTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return held(mutex, stripe, digest);
            }
            return degraded(stripe, digest, degradedTimeout, "not acquired within " + settings.lockTimeout());
        } catch (Exception e) {
            interruptIf(e);
            return degraded(stripe, digest, degradedUnreachable, "acquiring failed: " + e);
        }
    }

    @Override
    public Optional<DigestLock> tryLockForDelete(Digest digest) {
        ReentrantLock stripe = local.lock(digest);
        if (connected.get()) {
            InterProcessMutex mutex = mutex(digest);
            try {
                if (mutex.acquire(settings.lockTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    return Optional.of(held(mutex, stripe, digest));
                }
            } catch (Exception e) {
                interruptIf(e);
                LOG.warn("cannot lock {} for deletion at ZooKeeper: {}", digest, e.toString());
            }
        }
        stripe.unlock();
        return Optional.empty();
    }

    @Override
    public Optional<DigestLock> tryLockUpload(String uploadId) {
        Optional<DigestLock> claim = uploads.tryClaim(uploadId);
        if (claim.isEmpty()) {
            return claim;
        }
        if (!connected.get()) {
            return degradedUpload(claim.get(), uploadId, "ZooKeeper is unreachable");
        }
        InterProcessMutex mutex = new InterProcessMutex(client, "/uploads/" + uploadId);
        try {
            if (mutex.acquire(0, TimeUnit.MILLISECONDS)) {
                return Optional.of(releasing(mutex, claim.get(), "upload " + uploadId));
            }
            claim.get().close();
            return Optional.empty();
        } catch (Exception e) {
            interruptIf(e);
            return degradedUpload(claim.get(), uploadId, "acquiring failed: " + e);
        }
    }

    @Override
    public State state() {
        boolean up = connected.get();
        String detail = up ? "connected to ZooKeeper at " + settings.connect() : PAUSED;
        return new State("zookeeper", settings.replica(), up, detail, ledger.states(job -> !up
                ? Role.PAUSED
                : latches.get(job).hasLeadership() ? Role.LEADER : Role.FOLLOWER));
    }

    @Override
    public void close() {
        for (LeaderLatch latch : latches.values()) {
            try {
                latch.close();
            } catch (IOException | IllegalStateException e) {
                LOG.debug("closing leader latch: {}", e.toString());
            }
        }
        client.close();
    }

    /** The Curator client, for tests that expire its session. */
    public CuratorFramework client() {
        return client;
    }

    private InterProcessMutex mutex(Digest digest) {
        return new InterProcessMutex(client, "/locks/" + digest.algorithm().ociName() + "/" + digest.hex());
    }

    private DigestLock held(InterProcessMutex mutex, ReentrantLock stripe, Digest digest) {
        return releasing(mutex, InProcessCoordination.release(stripe), digest.toString());
    }

    /** Releases {@code mutex}, then {@code local}, on the first close. */
    private static DigestLock releasing(InterProcessMutex mutex, DigestLock local, String what) {
        boolean[] closed = {false};
        return () -> {
            if (closed[0]) {
                return;
            }
            closed[0] = true;
            try {
                mutex.release();
            } catch (Exception e) {
                // the lock node is ephemeral: it goes with the session if this delete cannot reach ZooKeeper
                LOG.warn("releasing the ZooKeeper lock of {}: {}", what, e.toString());
            } finally {
                local.close();
            }
        };
    }

    private static DigestLock degraded(ReentrantLock stripe, Digest digest, Counter counter, String why) {
        counter.increment();
        LOG.warn("digest lock for {} is in-process only ({}): safe for writes, content-addressed", digest, why);
        return InProcessCoordination.release(stripe);
    }

    private Optional<DigestLock> degradedUpload(DigestLock claim, String uploadId, String why) {
        degradedUnreachable.increment();
        LOG.warn("upload {} is claimed on this replica only ({})", uploadId, why);
        return Optional.of(claim);
    }

    private LeaderLatchListener leadershipLog(Job job) {
        return new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.info("replica {} now leads {}", settings.replica(), job.id());
            }

            @Override
            public void notLeader() {
                LOG.info("replica {} no longer leads {}", settings.replica(), job.id());
            }
        };
    }

    private static Counter degradedCounter(MeterRegistry meters, String reason) {
        return Counter.builder("ironclad.coordination.degraded.locks")
                .description("digest locks for writes that fell back to in-process locking").tag("reason", reason)
                .register(meters);
    }

    private static void interruptIf(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }
}
