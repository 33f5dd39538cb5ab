package io.ironclad.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline, polling with a growing pause, and reports how many
 * times it had to wait, so a test can show (and bound) a backend's visibility lag instead of
 * sleeping blindly.
 */
public final class Await {

    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(5).toNanos();
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(500).toNanos();

    private Await() {
    }

    /**
     * Returns the number of waits before {@code condition} held (0 if it held at once).
     *
     * @throws AssertionError if it still fails at the deadline
     */
    public static int until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        for (int waits = 0; ; waits++) {
            if (condition.getAsBoolean()) {
                return waits;
            }
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("still not true after " + deadline + " and " + waits + " waits: " + what);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }
}
