package io.ironclad.sidecar.ops.health;

import io.ironclad.sidecar.coordination.Coordination;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code coordination} in {@code /health}: UP with this replica's role per background job, or
 * UNKNOWN with "ZooKeeper unreachable, background jobs paused". Never DOWN: pushes and pulls keep
 * working without ZooKeeper, so readiness (which maps UNKNOWN to 200) must not send traffic away.
 */
@Singleton
final class CoordinationHealthIndicator implements HealthIndicator {

    private final Coordination coordination;

    CoordinationHealthIndicator(Coordination coordination) {
        this.coordination = coordination;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Coordination.State state = coordination.state();
        Map<String, Object> jobs = new LinkedHashMap<>();
        for (Coordination.Job job : Coordination.Job.values()) {
            Coordination.JobState s = state.jobs().get(job);
            jobs.put(job.id(), Map.of("role", s.role().name().toLowerCase(Locale.ROOT), "runs", s.runs(), "skips", s.skips(),
                    "lastRun", s.lastRun().map(Object::toString).orElse("never")));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", state.mode());
        details.put("replica", state.replica());
        details.put("detail", state.detail());
        details.put("jobs", jobs);
        HealthStatus status = state.reachable() ? HealthStatus.UP : HealthStatus.UNKNOWN.describe(state.detail());
        return Publishers.just(HealthResult.builder("coordination", status).details(details).build());
    }
}
