package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.coordination.Coordination.Job;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes consistency events older than {@code ironclad.events.retention} (default 14 days, twice
 * the longest summary window), so a backend that lags for weeks cannot grow the table without
 * bound. Only the replica leading {@link Job#EVENT_PRUNE} prunes, in batches.
 */
@Singleton
public final class EventPruner {

    private static final Logger LOG = LoggerFactory.getLogger(EventPruner.class);
    private static final int BATCH = 1000;

    private final Metadata metadata;
    private final Coordination coordination;
    private final Duration retention;

    EventPruner(Metadata metadata, Coordination coordination, EventSettings settings) {
        Duration retention = settings.retention();
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("ironclad.events.retention must be positive, got " + retention);
        }
        this.metadata = metadata;
        this.coordination = coordination;
        this.retention = retention;
    }

    /** Prunes now, as long as this replica leads {@link Job#EVENT_PRUNE}; returns how many events it deleted. */
    public long prune() {
        Instant cutoff = Instant.now().minus(retention);
        long deleted = 0;
        int batch;
        do {
            if (!coordination.isLeader(Job.EVENT_PRUNE)) {
                LOG.info("event pruning stopped after {} events: this replica no longer leads {}", deleted, Job.EVENT_PRUNE.id());
                break;
            }
            batch = metadata.deleteEventsBefore(cutoff, BATCH);
            deleted += batch;
        } while (batch == BATCH);
        if (deleted > 0) {
            LOG.info("pruned {} consistency events recorded before {}", deleted, cutoff);
        }
        return deleted;
    }
}
