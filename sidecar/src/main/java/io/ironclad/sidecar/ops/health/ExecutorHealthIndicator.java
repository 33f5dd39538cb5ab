package io.ironclad.sidecar.ops.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import org.reactivestreams.Publisher;

/**
 * {@code executor}, part of {@code /health/liveness}: UP when a no-op task submitted to the blocking
 * pool (where every registry request runs) starts within {@code ironclad.health.liveness-deadline}.
 * When all its threads are stuck, the replica answers nothing but the event loop's endpoints; a
 * liveness probe that still said 200 would never get it restarted. One probe task is in flight at
 * most: a stuck pool is not fed a new task by every probe.
 *
 * <p>It also reports deadlocked threads (DOWN when there are any). It replaces Micronaut's
 * {@code deadlockedThreads} indicator, switched off in {@code application.yml}: that one runs on the
 * blocking pool itself, so a stuck pool left {@code /health/liveness} without any answer.
 */
@Singleton
@Liveness
final class ExecutorHealthIndicator implements HealthIndicator {

    private final ExecutorService blocking;
    private final HealthProbe probe;

    ExecutorHealthIndicator(@Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            HealthSettings settings) {
        this.blocking = blocking;
        this.probe = new HealthProbe("request executor",
                () -> blocking.submit(() -> null).get(), settings.livenessDeadline());
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.fromCompletableFuture(() -> probe.run().thenApply(this::result));
    }

    private HealthResult result(HealthProbe.Outcome outcome) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("latencyMillis", outcome.millis());
        if (blocking instanceof ThreadPoolExecutor pool) {
            details.put("activeThreads", pool.getActiveCount());
            details.put("maxThreads", pool.getMaximumPoolSize());
            details.put("queued", pool.getQueue().size());
        }
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        details.put("deadlockedThreads", deadlocked == null ? 0 : deadlocked.length);
        if (!outcome.ok()) {
            details.put("error", outcome.error());
        } else if (deadlocked != null) {
            details.put("error", deadlocked.length + " threads are deadlocked");
        }
        boolean up = outcome.ok() && deadlocked == null;
        return HealthResult.builder("executor", up ? HealthStatus.UP : HealthStatus.DOWN).details(details).build();
    }
}
