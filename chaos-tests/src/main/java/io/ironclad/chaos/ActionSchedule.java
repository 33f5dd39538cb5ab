package io.ironclad.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a scenario's {@link Action}s when the workload reaches their operation counts, on a
 * thread of its own so clients keep going while a server stops or starts. At the end every
 * server it stopped and did not start again is started, so a run leaves Swift whole.
 */
final class ActionSchedule {

    private final List<Action> actions;
    private final Optional<SwiftControl> control;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "chaos-actions");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> log = new ArrayList<>();
    private final Set<String> stopped = new LinkedHashSet<>();

    /** {@code control} may be empty only when there are no actions. */
    ActionSchedule(List<Action> actions, Optional<SwiftControl> control) {
        if (!actions.isEmpty() && control.isEmpty()) {
            throw new IllegalArgumentException("the scenario has Swift actions: give --swift-dir (or IRONCLAD_SWIFT_DIR)");
        }
        this.actions = actions.stream().sorted(Comparator.comparingLong(Action::atOperation)).toList();
        this.control = control;
    }

    static ActionSchedule none() {
        return new ActionSchedule(List.of(), Optional.empty());
    }

    /** Called after each recorded operation with the count so far. */
    void reached(long operations) {
        for (int index = next.get(); index < actions.size() && actions.get(index).atOperation() <= operations; index = next.get()) {
            if (next.compareAndSet(index, index + 1)) {
                Action action = actions.get(index);
                runner.execute(() -> run(action, "at op " + operations));
            }
        }
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
