package io.ironclad.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a scenario's {@link Action}s when the workload reaches their operation counts, on a
 * thread of its own so clients keep going while a server stops or starts; with a cycle length
 * the actions run again in every cycle. At the end every server it stopped and did not start
 * again is started, so a run leaves Swift whole.
 */
final class ActionSchedule {

    /** Carries out one action (the Swift all-in-one's script, or a test's recorder). */
    @FunctionalInterface
    interface Runner {
        void run(Action action) throws IOException, InterruptedException;
    }

    private final List<Action> actions;
    private final long cycle;
    private final Optional<Runner> control;
    private final AtomicLong fired = new AtomicLong();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "chaos-actions");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> stopped = new LinkedHashSet<>();

    /**
     * @param cycle above 0: the actions repeat every {@code cycle} operations (each
     *        {@code atOperation} must be below it); 0: they run once
     * @param control may be empty only when there are no actions
     */
    ActionSchedule(List<Action> actions, long cycle, Optional<Runner> control) {
        if (!actions.isEmpty() && control.isEmpty()) {
            throw new IllegalArgumentException("the scenario has Swift actions: give --swift-dir (or IRONCLAD_SWIFT_DIR)");
        }
        this.actions = actions.stream().sorted(Comparator.comparingLong(Action::atOperation)).toList();
        this.cycle = cycle;
        this.control = control;
    }

    static ActionSchedule of(Scenario scenario, Optional<SwiftControl> control) {
        return new ActionSchedule(scenario.actions(), scenario.repeatEvery(), control.map(swift -> swift::run));
    }

    static ActionSchedule none() {
        return new ActionSchedule(List.of(), 0, Optional.empty());
    }

    /** Called after each recorded operation with the count so far. */
    void reached(long operations) {
        for (long index = fired.get(); due(index, operations); index = fired.get()) {
            if (fired.compareAndSet(index, index + 1)) {
                Action action = actions.get((int) (index % actions.size()));
                runner.execute(() -> run(action, "at op " + operations));
            }
        }
    }

    /** Whether the {@code index}-th action to fire (counting repeats) is due at {@code operations}. */
    private boolean due(long index, long operations) {
        if (actions.isEmpty() || (cycle == 0 && index >= actions.size())) {
            return false;
        }
        long round = index / actions.size();
        return round * cycle + actions.get((int) (index % actions.size())).atOperation() <= operations;
    }

    /** Waits for the running actions, restarts what is still stopped; the log of what ran. */
    List<String> finish() throws InterruptedException {
        runner.shutdown();
        if (!runner.awaitTermination(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Swift actions still running after 5 minutes");
        }
        for (String server : List.copyOf(stopped)) {
            run(new Action(0, "start-server", server), "after the run");
        }
        return List.copyOf(log);
    }

    private void run(Action action, String when) {
        String line = when + ": " + action.verb() + (action.server().isEmpty() ? "" : " " + action.server());
        try {
            control.orElseThrow().run(action);
            if (action.verb().equals("stop-server")) {
                stopped.add(action.server());
            } else if (action.verb().equals("start-server")) {
                stopped.remove(action.server());
            }
            log.add(line);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.add(line + " FAILED: " + e.getMessage());
        }
    }
}
