package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Events;
import io.ironclad.sidecar.coordination.Coordination.Job;
import jakarta.inject.Singleton;
import java.time.Clock;
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

    private final Events events;
    private final Coordination coordination;
    private final Duration retention;
    private final Clock clock;

    EventPruner(Events events, Coordination coordination, EventSettings settings, Clock clock) {
        Duration retention = settings.retention();
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("ironclad.events.retention must be positive, got " + retention);
        }
        this.events = events;
        this.coordination = coordination;
        this.retention = retention;
        this.clock = clock;
    }

    /** Prunes now, as long as this replica leads {@link Job#EVENT_PRUNE}; returns how many events it deleted. */
    public long prune() {
        Instant cutoff = clock.instant().minus(retention);
        long deleted = 0;
        int batch;
        do {
            if (!coordination.isLeader(Job.EVENT_PRUNE)) {
                LOG.info("event pruning stopped after {} events: this replica no longer leads {}", deleted, Job.EVENT_PRUNE.id());
                break;
            }
            batch = events.deleteEventsBefore(cutoff, BATCH);
            deleted += batch;
        } while (batch == BATCH);
        if (deleted > 0) {
            LOG.info("pruned {} consistency events recorded before {}", deleted, cutoff);
        }
        return deleted;
    }
}
