package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.sidecar.lifecycle.GcSettings;
import io.ironclad.sidecar.registry.UploadSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules the background jobs that only the leading replica runs (upload reaping, blob
 * collection, event pruning) and cancels them before the coordination closes. Not
 * {@code @Scheduled}: that looks its bean up on every run and, during shutdown, would build a new
 * coordination (and a new ZooKeeper session that joins the election) for a context that is going
 * away.
 */
@Context
final class LeaderJobs {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderJobs.class);

    private final List<ScheduledFuture<?>> scheduled;

    LeaderJobs(@Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler, Coordination coordination,
            BlobCollector collector, UploadReaper reaper, EventPruner pruner,
            GcSettings gc, UploadSettings uploads, EventSettings events) {
        scheduled = List.of(
                scheduler.scheduleWithFixedDelay(gc.initialDelay(), gc.interval(), () -> run(coordination, Job.BLOB_GC, collector::collect)),
                scheduler.scheduleWithFixedDelay(uploads.initialDelay(), uploads.reapInterval(),
                        () -> run(coordination, Job.UPLOAD_REAPER, reaper::reap)),
                scheduler.scheduleWithFixedDelay(events.initialDelay(), events.pruneInterval(),
                        () -> run(coordination, Job.EVENT_PRUNE, pruner::prune)));
    }

    @PreDestroy
    void stop() {
        scheduled.forEach(f -> f.cancel(false));
    }

    private static void run(Coordination coordination, Job job, Runnable work) {
        try {
            coordination.runIfLeader(job, work);
        } catch (RuntimeException e) {
            // an exception escaping a fixed-delay task would end its schedule for good
            LOG.error("background job {} failed; it runs again at its next interval", job.id(), e);
        }
    }
}
