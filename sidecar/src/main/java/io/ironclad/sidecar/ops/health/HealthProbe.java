package io.ironclad.sidecar.ops.health;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one health check with a deadline, so a hung database or backend makes its indicator answer
 * DOWN in bounded time instead of hanging the health endpoint (and the load balancer's probe).
 * A check still running from an earlier call is waited on rather than started again, so probes
 * against a hung backend never pile up threads.
 */
final class HealthProbe {

    /** How one check went: {@code error} is empty when it passed. */
    record Outcome(boolean ok, long millis, String error) {
        static Outcome passed(long millis) {
            return new Outcome(true, millis, "");
        }
    }

    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ironclad-health-probe");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final Callable<?> check;
    private final Duration timeout;
    private CompletableFuture<Outcome> running;

    HealthProbe(String name, Callable<?> check, Duration timeout) {
        this.name = name;
        this.check = check;
        this.timeout = timeout;
    }

    /** The outcome, completed when the check ends or the timeout passes, whichever is first; never blocks the caller. */
    CompletableFuture<Outcome> run() {
        Outcome late = new Outcome(false, timeout.toMillis(), name + " did not answer within " + timeout.toMillis() + " ms");
        return start().thenApply(outcome -> outcome).completeOnTimeout(late, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized CompletableFuture<Outcome> start() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(this::measure, EXECUTOR);
        }
        return running;
    }

    private Outcome measure() {
        long start = System.nanoTime();
        try {
            check.call();
            return Outcome.passed(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (Exception e) {
            return new Outcome(false, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
