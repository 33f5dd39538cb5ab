package io.ironclad.sidecar.jobs;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the steps given to it one at a time, in the order given, on a shared pool: the steps of one
 * request body (writes, end, failure) never overlap, while many bodies share a few threads.
 */
public final class SerialSteps {

    private final Executor pool;
    private final Queue<Runnable> steps = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    public SerialSteps(Executor pool) {
        this.pool = pool;
    }

    /** Runs {@code step} after every step given before it. */
    public void run(Runnable step) {
        steps.add(step);
        drain();
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        pool.execute(() -> {
            try {
                Runnable step;
                while ((step = steps.poll()) != null) {
                    step.run();
                }
            } finally {
                draining.set(false);
                if (!steps.isEmpty()) {
                    drain();
                }
            }
        });
    }
}
