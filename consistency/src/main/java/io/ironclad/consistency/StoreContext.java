package io.ironclad.consistency;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * What the parts of a {@link DefaultConsistentStore} share: the guarded driver, the configuration,
 * the event sink, time, and the one retry path for idempotent driver calls.
 */
final class StoreContext {

    /** A driver call that may fail with a {@link TransientStorageException}. */
    @FunctionalInterface
    interface StorageCall<T> {
        T call() throws StorageException;
    }

    /** The driver behind the circuit breaker: every call passes it. */
    final StorageDriver driver;
    final ConsistentStoreConfig config;
    final EventSink events;
    final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    StoreContext(StorageDriver driver, ConsistentStoreConfig config, EventSink events, Clock clock, Sleeper sleeper,
            RandomGenerator random) {
        this.driver = driver;
        this.config = config;
        this.events = events;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    String driverName() {
        return driver.name();
    }

    Attempts attempts(String operation, ObjectKey key) {
        return new Attempts(config.policy(), events, clock, sleeper, random, operation, key);
    }

    /** {@link #retryTransient(Attempts, StorageCall)} under fresh attempts of {@code operation}. */
    <T> T retryTransient(String operation, ObjectKey label, StorageCall<T> call) throws StorageException {
        return retryTransient(attempts(operation, label), call);
    }

    /**
     * Runs an idempotent driver call, retrying transient failures and unknown outcomes (a backend
     * blip: 5xx, 429, a dropped connection) under the consistency policy, each retry counted as an
     * event, so one bad answer from the backend does not fail a client's push. A failure whose
     * payload is gone ({@link PayloadConsumedException}) ends it at once: only the client can send
     * those bytes again.
     */
    <T> T retryTransient(Attempts attempts, StorageCall<T> call) throws StorageException {
        while (true) {
            attempts.nextPlain();
            try {
                T result = call.call();
                attempts.succeeded();
                return result;
            } catch (TransientStorageException | OutcomeUnknownException e) {
                // the calls retried here are idempotent, so an unknown outcome is retried like a transient error
                if (PayloadConsumedException.isCauseOf(e)) {
                    throw e;
                }
                attempts.failed(e.getMessage(), e);
            }
        }
    }
}
