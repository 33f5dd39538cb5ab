package io.ironclad.sidecar.ops.health;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.consistency.availability.BackendStatus;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code store}: UP when the object store answers a metadata read ({@code stat} of a probe key
 * that need not exist; "not found" is an answer) within {@code ironclad.health.timeout} and its
 * circuit breaker is closed. The details name the driver and the breaker's state
 * ({@code circuit}: {@code closed}, {@code open}, {@code half_open}), since when it is in it and
 * the last outage failure it counted, so an outage reads as one.
 *
 * <p>When it does not, the indicator reports {@link #DEGRADED}, with the driver and the error, and
 * the replica stays ready. A backend outage hits every replica at once: taking them all out of the
 * load balancer would turn answers clients handle (503 with Retry-After on blob reads, while
 * HEADs, tags, manifests and cached blobs keep working from the database and the verified cache)
 * into refused connections. Operators who prefer a hard DOWN (one replica per backend, say) set
 * {@code ironclad.health.store-failure-unready=true}; alerting should use the consistency metrics.
 */
@Singleton
final class StoreHealthIndicator implements HealthIndicator {

    /**
     * Micronaut ranks a status whose {@code operational} flag is unset above UP and below DOWN in
     * the aggregate, and answers it with 200: shown, but not unready.
     */
    static final HealthStatus DEGRADED = new HealthStatus("DEGRADED",
            "object store unavailable: uncached blob reads answer 503, everything the database answers still works", null, 500);

    private final ConsistentStore store;
    private final BackendAvailability availability;
    private final HealthProbe probe;
    private final boolean failureUnready;

    StoreHealthIndicator(ConsistentStore store, HealthSettings settings) {
        this.store = store;
        this.availability = store.availability();
        this.failureUnready = settings.storeFailureUnready();
        this.probe = new HealthProbe("object store (" + store.driverName() + ")", () -> probe(store), settings.timeout());
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.fromCompletableFuture(() -> probe.run().thenApply(this::result));
    }

    private HealthResult result(HealthProbe.Outcome outcome) {
        BackendStatus circuit = availability.status();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("driver", store.driverName());
        details.put("latencyMillis", outcome.millis());
        if (!outcome.ok()) {
            details.put("error", outcome.error());
        }
        details.put("circuit", circuit.state().name().toLowerCase(Locale.ROOT));
        details.put("circuitSince", circuit.since().toString());
        circuit.lastFailure().ifPresent(failure -> details.put("lastFailure", failure));
        if (!circuit.available()) {
            details.put("retryAfterSeconds", circuit.retryAfter().toSeconds());
        }
        HealthStatus failed = failureUnready ? HealthStatus.DOWN : DEGRADED;
        boolean up = outcome.ok() && circuit.available();
        return HealthResult.builder("store", up ? HealthStatus.UP : failed).details(details).build();
    }

    private static Object probe(ConsistentStore store) throws Exception {
        store.probe();
        return "answered";
    }
}
