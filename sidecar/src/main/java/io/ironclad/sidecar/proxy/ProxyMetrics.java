package io.ironclad.sidecar.proxy;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the pull-through cache reports: the metrics (names fixed, the dashboard reads them), the
 * events (in {@code /ops/consistency/events}) and each upstream's health as last seen.
 *
 * <ul>
 *   <li>{@code ironclad.proxy.upstream.errors} (upstream, kind): upstream failures by {@link UpstreamFailure.Kind}</li>
 *   <li>{@code ironclad.proxy.stale.served} (upstream): answers from the cache while the upstream failed</li>
 *   <li>{@code ironclad.proxy.stale.seconds} (upstream): how long before such an answer the upstream last confirmed it</li>
 *   <li>{@code ironclad.proxy.tag.refreshes} (upstream, outcome: new, unchanged, updated, deleted)</li>
 *   <li>{@code ironclad.proxy.upstream.bytes} (upstream): blob and manifest bytes received</li>
 * </ul>
 */
@Singleton
final class ProxyMetrics {

    /** One upstream's health: the last success and failure seen by a request. */
    record UpstreamHealth(Optional<Instant> lastSuccess, Optional<Instant> lastFailure, Optional<String> lastFailureDetail,
            long consecutiveFailures) {
        static final UpstreamHealth UNKNOWN = new UpstreamHealth(Optional.empty(), Optional.empty(), Optional.empty(), 0);

        boolean failing() {
            return consecutiveFailures > 0;
        }
    }

    private final MeterRegistry meters;
    private final List<ConsistencyListener> listeners;
    private final Clock clock;
    private final Map<String, UpstreamHealth> health = new ConcurrentHashMap<>();

    ProxyMetrics(MeterRegistry meters, List<ConsistencyListener> listeners, ProxyClock clock, Upstreams upstreams) {
        this.meters = meters;
        this.listeners = List.copyOf(listeners);
        this.clock = clock.clock();
        for (UpstreamClient upstream : upstreams.all()) {
            registerAtZero(upstream.name());
        }
    }

    /** Every series of a configured upstream exists from the start, so rates and alerts see 0, not "no data". */
    private void registerAtZero(String upstream) {
        for (UpstreamFailure.Kind kind : UpstreamFailure.Kind.values()) {
            errors(upstream, kind);
        }
        stale(upstream);
        staleSeconds(upstream);
        for (String outcome : List.of("new", "unchanged", "updated", "deleted", "deleted-kept")) {
            refreshes(upstream, outcome);
        }
        bytes(upstream);
    }

    private Counter errors(String upstream, UpstreamFailure.Kind kind) {
        return Counter.builder("ironclad.proxy.upstream.errors").description("upstream registry failures of the pull-through cache, by kind")
                .tag("upstream", upstream).tag("kind", kind.tag()).register(meters);
    }

    private Counter stale(String upstream) {
        return Counter.builder("ironclad.proxy.stale.served").description("cached answers served while the upstream failed")
                .tag("upstream", upstream).register(meters);
    }

    private DistributionSummary staleSeconds(String upstream) {
        return DistributionSummary.builder("ironclad.proxy.stale.seconds").baseUnit("seconds")
                .description("how long before a stale answer the upstream last confirmed it").publishPercentileHistogram()
                .tag("upstream", upstream).register(meters);
    }

    private Counter refreshes(String upstream, String outcome) {
        return Counter.builder("ironclad.proxy.tag.refreshes").description("cached tags checked with the upstream after their TTL, by outcome")
                .tag("upstream", upstream).tag("outcome", outcome).register(meters);
    }

    private Counter bytes(String upstream) {
        return Counter.builder("ironclad.proxy.upstream.bytes").baseUnit("bytes").description("bytes received from the upstream registry")
                .tag("upstream", upstream).register(meters);
    }

    void failed(UpstreamFailure failure, String key) {
        errors(failure.upstream(), failure.kind()).increment();
        health.compute(failure.upstream(), (u, h) -> {
            UpstreamHealth was = h == null ? UpstreamHealth.UNKNOWN : h;
            return new UpstreamHealth(was.lastSuccess(), Optional.of(clock.instant()), Optional.of(failure.getMessage()),
                    was.consecutiveFailures() + 1);
        });
        emit(ConsistencyEvent.Kind.UPSTREAM_ERROR, failure.upstream(), failure.kind().tag(), key, Duration.ZERO, failure.getMessage());
    }

    void succeeded(String upstream) {
        health.compute(upstream, (u, h) -> {
            UpstreamHealth was = h == null ? UpstreamHealth.UNKNOWN : h;
            return new UpstreamHealth(Optional.of(clock.instant()), was.lastFailure(), was.lastFailureDetail(), 0);
        });
    }

    void servedStale(String upstream, String key, Duration staleness, UpstreamFailure cause) {
        stale(upstream).increment();
        staleSeconds(upstream).record(staleness.toMillis() / 1000.0);
        emit(ConsistencyEvent.Kind.STALE_SERVED, upstream, "serve", key, staleness, "upstream failed (" + cause.kind().tag()
                + "); served what it confirmed " + staleness.toSeconds() + " s ago");
    }

    void refreshed(String upstream, String key, String outcome) {
        refreshes(upstream, outcome).increment();
        emit(ConsistencyEvent.Kind.TAG_REFRESH, upstream, outcome, key, Duration.ZERO, "tag " + outcome);
    }

    void received(String upstream, long bytes) {
        bytes(upstream).increment(bytes);
    }

    UpstreamHealth health(String upstream) {
        return health.getOrDefault(upstream, UpstreamHealth.UNKNOWN);
    }

    private void emit(ConsistencyEvent.Kind kind, String upstream, String operation, String key, Duration elapsed, String detail) {
        ConsistencyEvent event = new ConsistencyEvent(kind, "proxy:" + upstream, operation, key, 1, elapsed,
                detail.length() > 1900 ? detail.substring(0, 1900) : detail, clock.instant());
        for (ConsistencyListener listener : listeners) {
            listener.onEvent(event);
        }
    }
}
