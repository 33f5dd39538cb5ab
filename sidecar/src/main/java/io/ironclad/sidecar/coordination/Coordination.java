package io.ironclad.sidecar.coordination;

import io.ironclad.sidecar.registry.BlobWriteGuard;
import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the replicas of one registry share work: which replica runs each background job, and
 * which holds a blob digest while it is written or collected.
 *
 * <p>Two implementations: in-process (the default when {@code ironclad.coordination.zookeeper.connect}
 * is empty: this process leads every job and locks digests in memory) and ZooKeeper through Apache
 * Curator (a leader latch per job, an inter-process mutex per digest).
 *
 * <p>Why the two kinds of digest lock differ when ZooKeeper is unreachable: pushes and pulls must
 * keep working, and storing the same blob twice is harmless (keys are content-addressed, writes are
 * conditional creates that verify what they stored), so {@link #lockForWrite} falls back to an
 * in-process lock, logs a warning and counts it in {@code ironclad.coordination.degraded.locks}.
 * Deleting is not harmless: the collector must never delete a blob while a replica it cannot see
 * may be recording it, so {@link #tryLockForDelete} never falls back. The collector is also a
 * leader job and pauses as soon as the connection is suspended. A replica cut off from ZooKeeper
 * may still re-push, at that moment, a blob that another, still connected, leader collects after
 * it stayed unreferenced for the whole grace period: the database keeps those two apart
 * ({@link BlobWriteGuard}'s write intents and the collector's {@code collecting} mark).
 */
public interface Coordination extends AutoCloseable {

    /** The background jobs that exactly one replica runs at a time. */
    public enum Job {
        UPLOAD_REAPER, BLOB_GC, SCRUB, BACKFILL, EVENT_PRUNE;

        /** The name in paths, logs and health: {@code upload-reaper}, {@code blob-gc}, ... */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** This replica's part in one job. */
    public enum Role {
        /** runs the job */
        LEADER,
        /** another replica runs it */
        FOLLOWER,
        /** nobody can be sure who leads (coordination unreachable): this replica does not run it */
        PAUSED
    }

    /** One job as this replica sees it: its role, and how often the scheduler ran or skipped it here. */
    public record JobState(Role role, long runs, long skips, Optional<Instant> lastRun) {
        public JobState {
            requireNonNull(role, "role is null");
            requireNonNull(lastRun, "lastRun is null");
        }
    }

    /**
     * A snapshot for health and the dashboard. {@code reachable} is false while the coordination
     * service cannot be used (jobs paused, write locks degraded); {@code detail} says so in words.
     */
    record State(String mode, String replica, boolean reachable, String detail, Map<Job, JobState> jobs) {
        public State {
            requireNonNull(mode, "mode is null");
            requireNonNull(replica, "replica is null");
            requireNonNull(detail, "detail is null");
            jobs = Map.copyOf(jobs);
        }
    }

    /** A held digest or upload lock; closing releases it (once; further closes do nothing). */
    public interface DigestLock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Whether this replica leads {@code job} right now and may act for it. A job asks again right
     * before each action (each deletion, each reaped session), since leadership can end at any time:
     * it is false from the moment the connection to the coordination service is suspended.
     */
    boolean isLeader(Job job);

    /**
     * Runs {@code work} on the calling thread if this replica leads {@code job}, counting the run or
     * the skip in {@link #state()}. Returns whether it ran. {@code work} must still check
     * {@link #isLeader} before each action.
     */
    boolean runIfLeader(Job job, Runnable work);

    /**
     * Holds {@code digest} against other writers and the collector, on every replica, while a blob is
     * stored or linked. Blocks until held, at most the configured lock timeout; then, or when the
     * coordination service is unreachable, it degrades to an in-process lock (see the class comment),
     * so it always returns a held lock.
     */
    DigestLock lockForWrite(Digest digest);

    /**
     * Holds {@code digest} for a deletion, on every replica, or returns empty when that cannot be
     * guaranteed: the coordination service is unreachable, or the lock was not acquired within the
     * lock timeout. Never degrades.
     */
    Optional<DigestLock> tryLockForDelete(Digest digest);

    /**
     * Claims upload session {@code uploadId} for one request, on every replica, or returns empty at
     * once when another request holds it: two requests writing one session would store each other's
     * bytes. Never waits. When the coordination service is unreachable it claims on this replica
     * only (logged and counted in {@code ironclad.coordination.degraded.locks}); parts are then still
     * written under unique names and the session row advances by compare-and-set, so a concurrent
     * writer on another replica cannot have its bytes taken for the accepted ones.
     */
    Optional<DigestLock> tryLockUpload(String uploadId);

    /** The current state; never blocks on the coordination service. */
    State state();

    /** Gives up all leadership and locks of this replica. */
    @Override
    void close();
}
