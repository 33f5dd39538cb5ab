package io.ironclad.sidecar.jobs;

import static java.util.Objects.requireNonNull;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.sidecar.coordination.Coordination.JobState;
import io.ironclad.sidecar.coordination.Coordination.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Counts, per job, the scheduled runs this replica made and the ones it skipped as a non-leader,
 * and when the last run started (read from the injected {@link Clock}, so a test that moves time
 * sees it here too).
 */
public final class JobLedger {

    private final Map<Job, AtomicLong> runs = new EnumMap<>(Job.class);
    private final Map<Job, AtomicLong> skips = new EnumMap<>(Job.class);
    private final Map<Job, AtomicReference<Instant>> lastRun = new EnumMap<>(Job.class);
    private final Clock clock;

    public JobLedger(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        for (Job job : Job.values()) {
            runs.put(job, new AtomicLong());
            skips.put(job, new AtomicLong());
            lastRun.put(job, new AtomicReference<>());
        }
    }

    public boolean run(Job job, boolean leader, Runnable work) {
        if (!leader) {
            skips.get(job).incrementAndGet();
            return false;
        }
        lastRun.get(job).set(clock.instant());
        runs.get(job).incrementAndGet();
        work.run();
        return true;
    }

    public Map<Job, JobState> states(Function<Job, Role> role) {
        Map<Job, JobState> states = new EnumMap<>(Job.class);
        for (Job job : Job.values()) {
            states.put(job, new JobState(role.apply(job), runs.get(job).get(), skips.get(job).get(),
                    Optional.ofNullable(lastRun.get(job).get())));
        }
        return states;
    }
}
