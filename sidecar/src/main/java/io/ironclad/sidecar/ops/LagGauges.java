package io.ironclad.sidecar.ops;

import io.ironclad.sidecar.ops.events.EventSummaries;
import io.ironclad.consistency.ConsistentStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToLongFunction;

/**
 * Exports the store backend's {@link BackendLag} over the last {@link #WINDOW} as gauges
 * {@value #NAME} (Prometheus {@code ironclad_consistency_lag_seconds}) tagged {@code driver} and
 * {@code statistic} ({@code p50}, {@code p95}, {@code max}); 0 while no read had to catch up.
 * The estimate is read from the event table at most once per {@link #REFRESH}, however often
 * Prometheus scrapes.
 */
@Context
final class LagGauges {

    static final String NAME = "ironclad.consistency.lag";
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final Duration REFRESH = Duration.ofSeconds(10);

    private final EventSummaries summaries;
    private final String driver;
    private BackendLag latest;
    private long latestAt = Long.MIN_VALUE;

    LagGauges(EventSummaries summaries, ConsistentStore store, MeterRegistry registry) {
        this.summaries = summaries;
        this.driver = store.driverName();
        this.latest = new BackendLag(driver, 0, 0, 0, 0, 0);
        register(registry, "p50", BackendLag::p50Millis);
        register(registry, "p95", BackendLag::p95Millis);
        register(registry, "max", BackendLag::maxMillis);
    }

    private void register(MeterRegistry registry, String statistic, ToLongFunction<BackendLag> millis) {
        Gauge.builder(NAME, this, g -> millis.applyAsLong(g.current()) / 1000.0)
                .description("replication lag of the backend, from reads that retried and then succeeded in the last 5 minutes")
                .baseUnit("seconds")
                .tag("driver", driver)
                .tag("statistic", statistic)
                .register(registry);
    }

    private synchronized BackendLag current() {
        long now = System.nanoTime();
        if (latestAt == Long.MIN_VALUE || now - latestAt >= REFRESH.toNanos()) {
            Instant to = Instant.now();
            BackendLag lag = summaries.lag(to.minus(WINDOW), to).perBackend().get(driver);
            latest = lag == null ? new BackendLag(driver, 0, 0, 0, 0, 0) : lag;
            latestAt = now;
        }
        return latest;
    }
}
