package io.ironclad.consistency;

import io.ironclad.consistency.availability.CircuitOpenException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.TransientStorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The attempts of one operation under a {@link ConsistencyPolicy}: the first attempt is a plain
 * read, every later one a freshness read after an exponentially growing, jittered backoff. The
 * last attempt happens at the deadline, so an object that becomes visible before the timeout is
 * always seen.
 *
 * <p>An attempt that failed because the backend is down ({@link BackendUnavailableException}) is
 * reported as {@code BACKEND_UNAVAILABLE}, not as a retry, and is followed by a plain read (an
 * outage says nothing about staleness); if the circuit breaker refused the call
 * ({@link CircuitOpenException}) the operation ends at once with it, and if the deadline passes
 * with the backend still down it ends with the outage, never with a consistency timeout. Only
 * inconsistencies (misses, stale metadata, wrong bodies, other transient errors) lead to
 * freshness reads and count as consistency waits.
 */
final class Attempts {

    private static final Duration MIN_WAIT = Duration.ofMillis(1);

    private final ConsistencyPolicy policy;
    private final EventSink events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final String operation;
    private final ObjectKey key;
    private final Instant start;
    private final Instant deadline;
    private int attempt;
    private Duration backoff;
    /** Whether a failure so far was something other than an outage: only then are reads fresh and waits lag. */
    private boolean inconsistent;

    Attempts(ConsistencyPolicy policy, EventSink events, Clock clock, Sleeper sleeper, RandomGenerator random,
            String operation, ObjectKey key) {
        this.policy = policy;
        this.events = events;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.operation = operation;
        this.key = key;
        this.start = clock.instant();
        this.deadline = start.plus(policy.timeout());
        this.backoff = policy.initialBackoff();
    }

    /** Starts the next attempt; returns whether it must be a freshness read. */
    boolean next() {
        attempt++;
        boolean fresh = attempt > 1 && inconsistent;
        if (fresh) {
            events.emit(ConsistencyEvent.Kind.FRESHNESS_FETCH, operation, key, attempt, elapsed(), "freshness read");
        }
        return fresh;
    }

    /** Starts the next attempt of a write or control call, which has no freshness variant to ask for. */
    void nextPlain() {
        attempt++;
    }

    int attempt() {
        return attempt;
    }

    Duration elapsed() {
        return Duration.between(start, clock.instant());
    }

    /** Reports a problem of a specific kind (stale metadata, integrity refusal) with this attempt. */
    void report(ConsistencyEvent.Kind kind, String detail) {
        inconsistent = true;
        events.emit(kind, operation, key, attempt, elapsed(), detail);
    }

    /**
     * The current attempt failed: waits for the next one, or throws when the deadline has passed.
     *
     * @throws ConsistencyTimeoutException when no time is left
     * @throws BackendUnavailableException at once when the circuit breaker refused the call
     *     ({@link CircuitOpenException}), or when no time is left and the backend was down
     */
    void failed(String detail, Throwable cause) throws ConsistencyTimeoutException, TransientStorageException {
        if (cause instanceof CircuitOpenException refused) {
            throw refused;
        }
        boolean outage = cause instanceof BackendUnavailableException;
        inconsistent |= !outage;
        Instant now = clock.instant();
        if (outage) {
            events.emit(ConsistencyEvent.Kind.BACKEND_UNAVAILABLE, operation, key, attempt, elapsed(), detail);
            if (!now.isBefore(deadline)) {
                throw (BackendUnavailableException) cause;
            }
        } else if (!now.isBefore(deadline)) {
            events.emit(ConsistencyEvent.Kind.TIMEOUT, operation, key, attempt, elapsed(), detail);
            events.recordWait(operation, elapsed());
            throw new ConsistencyTimeoutException(events.driver(), key, operation + " gave up after " + attempt
                    + " attempts in " + elapsed().toMillis() + " ms (timeout " + policy.timeout().toMillis() + " ms): " + detail, cause);
        }
        if (!outage) {
            events.emit(ConsistencyEvent.Kind.RETRY, operation, key, attempt, elapsed(), detail);
        }
        Duration wait = jittered(backoff);
        if (wait.compareTo(MIN_WAIT) < 0) {
            wait = MIN_WAIT; // never spin: a zero backoff would retry without letting time pass
        }
        Duration left = Duration.between(now, deadline);
        sleep(wait.compareTo(left) > 0 ? left : wait);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : doubled;
    }

    /** The current attempt failed and the next one follows without waiting (it asks the authoritative copy). */
    void retryNow(String detail) {
        inconsistent = true;
        events.emit(ConsistencyEvent.Kind.RETRY, operation, key, attempt, elapsed(), detail);
    }

    /** The operation succeeded; records the wait if it had to retry. */
    void succeeded() {
        if (attempt > 1 && inconsistent) {
            events.recordWait(operation, elapsed());
        }
    }

    private Duration jittered(Duration base) {
        long nanos = base.toNanos();
        long spread = (long) (nanos * policy.jitter());
        long jitter;
        synchronized (random) { // generators such as SplittableRandom are not thread safe; the store is
            jitter = spread > 0 ? random.nextLong(spread + 1) : 0;
        }
        return Duration.ofNanos(nanos - spread + jitter);
    }

    private void sleep(Duration duration) throws TransientStorageException {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStorageException(events.driver(), key, operation + " interrupted while waiting to retry", e);
        }
    }
}
