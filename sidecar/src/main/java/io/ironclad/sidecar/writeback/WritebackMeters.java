package io.ironclad.sidecar.writeback;

import io.ironclad.sidecar.metadata.WritebackPending.PendingSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pending blobs this replica owns as gauges (refreshed by every flush round):
 * {@code ironclad.writeback.pending.count}, {@code ironclad.writeback.pending.bytes},
 * {@code ironclad.writeback.oldest.age.seconds}, and the bytes its write-back area holds
 * ({@code ironclad.writeback.area.bytes}, local uploads included). Summed over replicas they give
 * the cluster's pending blobs, since each blob has one owner. Registered only where write-back is
 * enabled: elsewhere a "0 pending" would claim a protection the server does not give, and the
 * dashboard says "not on this server" instead.
 */
@Singleton
final class WritebackMeters {

    private final AtomicReference<PendingSummary> summary = new AtomicReference<>(PendingSummary.NONE);
    private volatile long areaBytes;

    WritebackMeters(MeterRegistry registry, WritebackSettings settings) {
        if (!settings.enabled()) {
            return;
        }
        Gauge.builder("ironclad.writeback.pending.count", summary, s -> s.get().count())
                .description("Blobs acknowledged while the store refused them, held on this replica's disk until flushed").register(registry);
        Gauge.builder("ironclad.writeback.pending.bytes", summary, s -> s.get().bytes())
                .description("Bytes of the pending blobs this replica holds").baseUnit("bytes").register(registry);
        Gauge.builder("ironclad.writeback.oldest.age.seconds", summary, s -> s.get().oldestAge().toMillis() / 1000.0)
                .description("How long the oldest pending blob of this replica has waited for the store").register(registry);
        Gauge.builder("ironclad.writeback.area.bytes", this, m -> m.areaBytes)
                .description("Bytes in <data-dir>/writeback (pending blobs and uploads received while the store was down)")
                .baseUnit("bytes").register(registry);
    }

    void update(PendingSummary now, long area) {
        summary.set(now);
        areaBytes = area;
    }

    PendingSummary current() {
        return summary.get();
    }
}
