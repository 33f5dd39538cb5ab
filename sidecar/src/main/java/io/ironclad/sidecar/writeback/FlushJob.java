package io.ironclad.sidecar.writeback;

import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.metadata.WritebackPending;
import io.ironclad.sidecar.metadata.WritebackPending.PendingBlob;
import io.ironclad.sidecar.metadata.WritebackPending.PendingSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores this replica's pending blobs once the object store takes them again. Every
 * {@code ironclad.writeback.flush-interval} it flushes the blobs that are due, oldest first,
 * through the registry's normal write path ({@link FlushTarget}), then drops the row and the
 * local copy, in that order: a crash in between only repeats a content-addressed put. A failed
 * flush waits {@code initial-backoff}, doubled per failure up to {@code max-backoff}; a round
 * starts no more flushes after its first failure that says the store is still down, so an outage
 * costs at most {@code flush-concurrency} timeouts per round, not one per blob, and while the
 * circuit breaker holds the store down no round tries at all (nor backs off), so everything is
 * due the moment the breaker closes. Runs on every replica with write-back on (each flushes what it owns),
 * and from startup, so a restarted replica resumes where it stopped. A round stores up to
 * {@code flush-concurrency} blobs at once: after an outage the flush is bound by the store's
 * latency per blob, not by its bandwidth.
 */
@Singleton
final class FlushJob implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(FlushJob.class);
    private static final int ROUND = 100;

    private final WritebackSettings settings;
    private final WritebackHome home;
    private final WritebackPending rows;
    private final FlushTarget target;
    private final WritebackMeters meters;
    private final Clock clock;
    private final Timer pendingFor;
    private ScheduledExecutorService timer;
    private ExecutorService workers;
    private Instant lastWarning = Instant.MIN;

    @Inject
    FlushJob(WritebackSettings settings, WritebackHome home, WritebackPending rows, FlushTarget target, WritebackMeters meters,
            MeterRegistry registry) {
        this(settings, home, rows, target, meters, registry, Clock.systemUTC());
    }

    FlushJob(WritebackSettings settings, WritebackHome home, WritebackPending rows, FlushTarget target, WritebackMeters meters,
            MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.home = home;
        this.rows = rows;
        this.target = target;
        this.meters = meters;
        this.clock = clock;
        this.pendingFor = Timer.builder("ironclad.writeback.flushed")
                .description("How long each flushed blob was pending (acknowledged on local disk only) before the store took it")
                .register(registry);
    }

    @Override
    public synchronized void onApplicationEvent(ServerStartupEvent event) {
        if (!settings.enabled() || timer != null) {
            return;
        }
        removeUnlisted();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ironclad-writeback-flush");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(settings.flushConcurrency(), r -> {
            Thread t = new Thread(r, "ironclad-writeback-flush-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long every = settings.flushInterval().toMillis();
        timer.scheduleWithFixedDelay(this::safeRound, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Stops at the first sign of shutdown, before the data source closes under a running round. */
    @EventListener
    void onShutdown(ShutdownEvent event) {
        stop();
    }

    @PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            workers.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void safeRound() {
        try {
            round();
        } catch (RuntimeException e) {
            // an exception escaping a fixed-delay task would end its schedule for good
            LOG.error("write-back flush round failed; it runs again in {}", settings.flushInterval(), e);
        }
    }

    /** One round: flushes what is due, then refreshes the gauges; returns how many blobs were stored. */
    int round() {
        boolean storeDown = target.storeDown();
        List<PendingBlob> toFlush = new ArrayList<>();
        for (PendingBlob blob : rows.due(home.owner(), clock.instant(), ROUND)) {
            if (dropIfUnreferenced(blob)) {
                continue; // needs no store: a blob deleted while the store is down leaves at once
            }
            if (storeDown) {
                break; // the breaker holds the store down: flushing waits for the next round
            }
            toFlush.add(blob);
        }
        int stored = flushAll(toFlush);
        dropFinishedShadows();
        PendingSummary summary = rows.summary(home.owner(), clock.instant());
        meters.update(summary, home.area().used());
        warnWhilePending(summary);
        return stored;
    }

    /**
     * Flushes {@code blobs}, {@code flush-concurrency} at a time, oldest first; once one says the
     * store is still down, those not started yet wait for the next round.
     */
    private int flushAll(List<PendingBlob> blobs) {
        AtomicBoolean down = new AtomicBoolean();
        AtomicInteger stored = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (PendingBlob blob : blobs) {
            running.add(workers.submit(() -> {
                if (down.get()) {
                    return;
                }
                Optional<Boolean> outcome = flush(blob);
                if (outcome.isEmpty()) {
                    down.set(true);
                } else if (outcome.get()) {
                    stored.incrementAndGet();
                }
            }));
        }
        for (Future<?> flush : running) {
            try {
                flush.get();
            } catch (ExecutionException e) {
                LOG.error("a write-back flush failed; it is tried again next round", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(f -> f.cancel(true));
                break;
            }
        }
        return stored.get();
    }

    /**
     * Shadows of sessions that are gone or continue elsewhere: the session was completed or
     * cancelled by another replica, or this replica died before it dropped the shadow.
     */
    private void dropFinishedShadows() {
        for (String session : home.area().shadowed()) {
            if (!rows.sessionInStore(session, Writeback.LOCAL_DRIVER)) {
                home.area().dropShadow(session);
            }
        }
    }

    /** True: stored; false: dropped or put off; empty: the store is down. */
    private boolean dropIfUnreferenced(PendingBlob blob) {
        Digest digest = blob.digest();
        return target.dropIfUnreferenced(digest, () -> {
            rows.remove(digest);
            home.area().delete(digest);
            LOG.info("{} lost its last repository while pending: dropped, not flushed", digest);
        });
    }

    private Optional<Boolean> flush(PendingBlob blob) {
        Digest digest = blob.digest();
        Optional<Path> file = home.area().find(digest);
        if (file.isEmpty()) {
            LOG.error("{} is pending on this replica but its local copy is missing; it cannot be flushed", digest);
            putOff(blob, "local copy missing");
            return Optional.of(false);
        }
        try {
            target.store(blob, Payload.ofFile(file.get()));
        } catch (StorageException | IOException e) {
            putOff(blob, e.getMessage());
            boolean down = e instanceof StorageException se && OutageSignal.isOutage(se);
            return down ? Optional.empty() : Optional.of(false);
        }
        rows.remove(digest);
        home.area().delete(digest);
        Duration pending = Duration.between(blob.created(), clock.instant());
        pendingFor.record(pending);
        LOG.info("{} ({} bytes) flushed to the store after {} ms pending", digest, blob.size(), pending.toMillis());
        return Optional.of(true);
    }

    private void putOff(PendingBlob blob, String error) {
        int attempts = blob.attempts() + 1;
        Instant next = clock.instant().plus(backoff(attempts));
        rows.failed(blob.digest(), attempts, next, error == null ? "unknown" : error);
        LOG.debug("flush of {} failed ({} attempts), next at {}: {}", blob.digest(), attempts, next, error);
    }

    /** {@code initial-backoff} doubled per failure, at most {@code max-backoff}. */
    Duration backoff(int attempts) {
        Duration wait = settings.initialBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private void warnWhilePending(PendingSummary summary) {
        Instant now = clock.instant();
        if (summary.count() > 0 && !now.isBefore(lastWarning.plus(settings.warnInterval()))) {
            lastWarning = now;
            LOG.warn("{} blob(s), {} bytes, are acknowledged but only on this replica's disk (oldest for {} s) until the object store takes them",
                    summary.count(), summary.bytes(), summary.oldestAge().toSeconds());
        } else if (summary.count() == 0) {
            lastWarning = Instant.MIN;
        }
    }

    /** Local copies without a row (a crash after the row went, before the file did) are dropped at startup. */
    private void removeUnlisted() {
        Set<Digest> listed = new HashSet<>();
        List<PendingBlob> owned = rows.ownedBy(home.owner(), Integer.MAX_VALUE);
        owned.forEach(p -> listed.add(p.digest()));
        int removed = 0;
        for (Digest kept : home.area().kept()) {
            if (!listed.contains(kept)) {
                home.area().delete(kept);
                removed++;
            }
        }
        if (removed > 0 || !owned.isEmpty()) {
            LOG.warn("write-back: {} pending blob(s) owned by this replica resume flushing; {} unlisted local copies removed", owned.size(), removed);
        }
    }
}
