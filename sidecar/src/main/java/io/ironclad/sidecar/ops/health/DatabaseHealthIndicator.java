package io.ironclad.sidecar.ops.health;

import io.ironclad.sidecar.metadata.DatabaseProbe;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code database}: UP when a query on the metadata database answers within
 * {@code ironclad.health.timeout}. The registry cannot answer anything without its database, so
 * this indicator is part of readiness: DOWN takes the replica out of the load balancer.
 */
@Singleton
final class DatabaseHealthIndicator implements HealthIndicator {

    private final HealthProbe probe;
    private String product = "unknown";

    DatabaseHealthIndicator(DatabaseProbe database, HealthSettings settings) {
        this.probe = new HealthProbe("metadata database", () -> product = database.ping(), settings.timeout());
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.fromCompletableFuture(() -> probe.run().thenApply(this::result));
    }

    private HealthResult result(HealthProbe.Outcome outcome) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("database", product);
        details.put("latencyMillis", outcome.millis());
        if (!outcome.ok()) {
            details.put("error", outcome.error());
        }
        return HealthResult.builder("database", outcome.ok() ? HealthStatus.UP : HealthStatus.DOWN).details(details).build();
    }
}
