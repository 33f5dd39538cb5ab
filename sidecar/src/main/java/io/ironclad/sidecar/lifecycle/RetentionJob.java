package io.ironclad.sidecar.lifecycle;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the retention rules every {@code ironclad.retention.interval} when
 * {@code ironclad.retention.enabled} is true. Every replica may run it: each deletion is
 * conditional on the tag being unchanged since planning, so two replicas never delete more than
 * the rules say.
 */
@Context
@Requires(property = "ironclad.retention.enabled", value = "true")
final class RetentionJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final ScheduledFuture<?> scheduled;

    RetentionJob(Retention retention, RetentionSettings settings, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        scheduled = scheduler.scheduleWithFixedDelay(settings.interval(), settings.interval(), () -> {
            try {
                Retention.Report report = retention.apply();
                LOG.info("retention: deleted {} tags in {} repositories", report.tagsDeleted(), report.repositories().size());
            } catch (RuntimeException e) {
                LOG.warn("retention run failed; it runs again at its next interval: {}", e.getMessage());
            }
        });
    }

    @PreDestroy
    void stop() {
        scheduled.cancel(false);
    }
}
