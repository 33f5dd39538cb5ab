package io.ironclad.sidecar.writeback;

import io.ironclad.sidecar.metadata.WritebackPending.PendingSummary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

/**
 * {@code writeback}: what this replica holds pending (as of the last flush round). UP either way:
 * pending blobs are served and flushed, and taking the replica out of a load balancer would only
 * hide them; the details (count, bytes, oldest age) are for operators and alerts.
 */
@Singleton
@Requires(property = "ironclad.writeback.enabled", value = "true")
final class WritebackHealthIndicator implements HealthIndicator {

    private final WritebackMeters meters;
    private final WritebackSettings settings;

    WritebackHealthIndicator(WritebackMeters meters, WritebackSettings settings) {
        this.meters = meters;
        this.settings = settings;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        PendingSummary now = meters.current();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pendingCount", now.count());
        details.put("pendingBytes", now.bytes());
        details.put("oldestAgeSeconds", now.oldestAge().toSeconds());
        details.put("maxBytes", settings.maxBytes());
        if (now.count() > 0) {
            details.put("note", "acknowledged blobs are on this replica's disk only until the object store takes them");
        }
        return Publishers.just(HealthResult.builder("writeback", HealthStatus.UP).details(details).build());
    }
}
