package io.ironclad.sidecar.coordination;

import io.ironclad.sidecar.jobs.JobLedger;
import io.ironclad.sidecar.registry.UploadClaims;
import io.ironclad.driver.Digest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** One replica alone: it leads every job and digest locks are in-process stripes. */
public final class InProcessCoordination implements Coordination {

    private final DigestLocks locks = new DigestLocks();
    private final UploadClaims uploads = new UploadClaims();
    private final JobLedger ledger;
    private final String replica;

    public InProcessCoordination(String replica, Clock clock) {
        this.replica = replica;
        this.ledger = new JobLedger(clock);
    }

    @Override
    public boolean isLeader(Job job) {
        return true;
    }

    @Override
    public boolean runIfLeader(Job job, Runnable work) {
        return ledger.run(job, true, work);
    }

    @Override
    public DigestLock lockForWrite(Digest digest) {
        return release(locks.lock(digest));
    }

    @Override
    public Optional<DigestLock> tryLockForDelete(Digest digest) {
        return Optional.of(release(locks.lock(digest)));
    }

    @Override
    public Optional<DigestLock> tryLockUpload(String uploadId) {
        return uploads.tryClaim(uploadId);
    }

    @Override
    public State state() {
        return new State("in-process", replica, true, "single replica: runs every background job",
                ledger.states(job -> Role.LEADER));
    }

    @Override
    public void close() {
        // nothing is held beyond the process
    }

    static DigestLock release(ReentrantLock lock) {
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                lock.unlock();
            }
        };
    }
}
