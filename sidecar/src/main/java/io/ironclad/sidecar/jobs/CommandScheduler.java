package io.ironclad.sidecar.jobs;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.ScheduledExecutorTaskScheduler;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler of an operator command's context ({@code ironclad.command=true}): schedules
 * nothing, so a {@code gc --dry-run} cannot be joined by the collector's or the upload reaper's
 * own runs, and the command's short-lived context starts no scheduler threads.
 */
@Singleton
@Named(TaskExecutors.SCHEDULED)
@Replaces(ScheduledExecutorTaskScheduler.class)
@Requires(property = CommandScheduler.PROPERTY, value = "true")
public final class CommandScheduler implements TaskScheduler {

    public static final String PROPERTY = "ironclad.command";

    @Override
    public ScheduledFuture<?> schedule(String cron, Runnable command) {
        return new NotScheduled<>();
    }

    @Override
    public <V> ScheduledFuture<V> schedule(String cron, Callable<V> command) {
        return new NotScheduled<>();
    }

    @Override
    public ScheduledFuture<?> schedule(Duration delay, Runnable command) {
        return new NotScheduled<>();
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Duration delay, Callable<V> callable) {
        return new NotScheduled<>();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable command) {
        return new NotScheduled<>();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable command) {
        return new NotScheduled<>();
    }

    /** A task that will never run. */
    private static final class NotScheduled<V> implements ScheduledFuture<V> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return true;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public V get() {
            throw new CancellationException("not scheduled in an operator command");
        }

        @Override
        public V get(long timeout, TimeUnit unit) {
            return get();
        }
    }
}
