package io.ironclad.sidecar.ops.health;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.health.*} settings.
 *
 * @param timeout a database or store check slower than this reports DOWN / DEGRADED
 * @param livenessDeadline {@code /health/liveness} is DOWN when a task submitted to the blocking pool has not started within this
 * @param storeFailureUnready whether an unreachable object store also fails {@code /health/readiness}
 */
@ConfigurationProperties("ironclad.health")
record HealthSettings(
        @Bindable(defaultValue = "2s") Duration timeout,
        @Bindable(defaultValue = "10s") Duration livenessDeadline,
        @Bindable(defaultValue = "false") boolean storeFailureUnready) {
}
