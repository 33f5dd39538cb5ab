package io.ironclad.sidecar.ops.events;

import io.ironclad.sidecar.metadata.Events;
import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes consistency events to the {@code consistency_events} table in batches. The store calls
 * {@link #onEvent} on its request threads, which must not block: events go to a bounded queue
 * and are dropped (and counted) when it is full.
 */
@Singleton
public final class DbEventListener implements ConsistencyListener {

    private static final Logger LOG = LoggerFactory.getLogger(DbEventListener.class);

    private final BlockingQueue<ConsistencyEvent> queue = new ArrayBlockingQueue<>(10_000);
    private final AtomicLong dropped = new AtomicLong();
    private final Events events;

    DbEventListener(Events events) {
        this.events = events;
    }

    @Override
    public void onEvent(ConsistencyEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Flushes queued events; also called by the events endpoint so it shows the latest. */
    @Scheduled(fixedDelay = "1s")
    public synchronized void flush() {
        List<ConsistencyEvent> batch = new ArrayList<>();
        queue.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            events.insertEvents(batch);
        } catch (RuntimeException e) {
            LOG.warn("could not record {} consistency events: {}", batch.size(), e.getMessage());
        }
    }

    long dropped() {
        return dropped.get();
    }

    @PreDestroy
    void close() {
        flush();
    }
}
