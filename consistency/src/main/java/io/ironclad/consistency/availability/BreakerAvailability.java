package io.ironclad.consistency.availability;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.ironclad.consistency.ConsistencyMeters;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link BackendAvailability} on a Resilience4j count-based circuit breaker, which already does
 * the state machine, the sliding window and the half-open permits (thread safe, with an
 * injectable clock); this class decides what counts as a failure, keeps the last one for
 * operators, and turns transitions into log lines, meters and listener calls.
 */
final class BreakerAvailability implements BackendAvailability {

    private static final System.Logger LOG = System.getLogger(BackendAvailability.class.getName());

    /** A driver call guarded by the breaker. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws StorageException;
    }

    private final String driver;
    private final CircuitBreakerSettings settings;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Call<?> probe;
    private final CircuitBreaker breaker;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant since;
    private volatile Instant downSince;
    private volatile String lastFailure;
    /** Set while {@link #markDown} opens the breaker: its caller has logged why, so the opening is not logged twice. */
    private volatile boolean markingDown;

    /** {@code probe} asks the raw driver a cheap question; it runs through the breaker in {@link #probe()}. */
    BreakerAvailability(String driver, CircuitBreakerSettings settings, Clock clock, MeterRegistry registry, Call<?> probe) {
        this.driver = driver;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
        this.probe = probe;
        this.since = clock.instant();
        this.breaker = CircuitBreaker.of("backend-" + driver, CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindow(settings.windowSize(), settings.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.openWait())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // no timer thread: the next call or probe moves it
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build());
        if (!settings.enabled()) {
            breaker.transitionToDisabledState();
        }
        breaker.getEventPublisher().onStateTransition(this::transitioned);
        Gauge.builder(ConsistencyMeters.BACKEND_AVAILABLE, this, a -> a.isOpen() ? 0 : 1)
                .tag(ConsistencyMeters.TAG_DRIVER, driver)
                .description("1 while the backend's circuit breaker is closed, 0 while it is open or probing")
                .register(registry);
    }

    @Override
    public String driver() {
        return driver;
    }

    @Override
    public BackendStatus status() {
        State state = state(breaker.getState());
        return new BackendStatus(driver, state, since, Optional.ofNullable(lastFailure), retryAfter(state));
    }

    @Override
    public BackendStatus probe() {
        try {
            call("probe", BackendProbe.KEY, false, probe);
        } catch (StorageException e) {
            // the status tells: a failure was counted, or the breaker refused the probe
        }
        return status();
    }

    @Override
    public void markDown(String reason) {
        if (settings.enabled() && breaker.getState() != CircuitBreaker.State.OPEN) {
            lastFailure = reason;
            markingDown = true;
            try {
                breaker.transitionToOpenState();
            } finally {
                markingDown = false;
            }
        }
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Runs {@code call} if the breaker lets it through, recording how it went; refuses it with a
     * {@link CircuitOpenException} otherwise.
     */
    <T> T call(String operation, ObjectKey key, Call<T> call) throws StorageException {
        return call(operation, key, true, call);
    }

    private <T> T call(String operation, ObjectKey key, boolean countRefusal, Call<T> call) throws StorageException {
        if (!breaker.tryAcquirePermission()) {
            if (countRefusal) {
                counter(operation, "refused").increment();
            }
            throw refusal(operation, key);
        }
        long start = System.nanoTime();
        try {
            T result = call.call();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (BackendUnavailableException e) {
            lastFailure = e.getMessage();
            counter(operation, "failed").increment();
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        } catch (TransientStorageException | OutcomeUnknownException e) {
            breaker.releasePermission(); // slow, throttled or cut off after the body: alive, but not proven healthy
            throw e;
        } catch (StorageException e) {
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS); // an answer (not found, refused): the backend is up
            throw e;
        } catch (RuntimeException | Error e) {
            breaker.releasePermission();
            throw e;
        }
    }

    private CircuitOpenException refusal(String operation, ObjectKey key) {
        State state = state(breaker.getState());
        Duration retryAfter = retryAfter(state);
        String failure = lastFailure == null ? "" : "; last failure: " + lastFailure;
        return new CircuitOpenException(driver, key, operation + " not sent: the backend is unavailable (circuit "
                + state.name().toLowerCase(java.util.Locale.ROOT) + " since " + since + failure + ")", retryAfter);
    }

    private Duration retryAfter(State state) {
        return switch (state) {
            case CLOSED -> Duration.ZERO;
            case HALF_OPEN -> settings.openWait();
            case OPEN -> {
                Duration left = Duration.between(clock.instant(), since.plus(settings.openWait()));
                yield left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
            }
        };
    }

    private void transitioned(CircuitBreakerOnStateTransitionEvent event) {
        State previous = state(event.getStateTransition().getFromState());
        State next = state(event.getStateTransition().getToState());
        Instant now = clock.instant();
        since = now;
        if (previous == State.CLOSED && next == State.OPEN) {
            downSince = now;
            LOG.log(markingDown ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "backend " + driver + " unavailable: circuit breaker opened, requests that need it fail"
                    + " fast with 503 and it is probed every " + settings.openWait().toSeconds() + " s; last failure: " + lastFailure);
        } else if (next == State.CLOSED && previous != State.CLOSED) {
            long seconds = downSince == null ? 0 : Duration.between(downSince, now).toSeconds();
            LOG.log(System.Logger.Level.INFO, "backend " + driver + " answers again: circuit breaker closed after " + seconds + " s");
        } else {
            LOG.log(System.Logger.Level.DEBUG, "backend " + driver + " circuit breaker " + previous + " -> " + next);
        }
        BackendStatus status = status();
        for (Listener listener : listeners) {
            try {
                listener.onTransition(previous, status);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "backend availability listener failed on " + status, e);
            }
        }
    }

    private Counter counter(String operation, String outcome) {
        return Counter.builder(ConsistencyMeters.BACKEND_UNAVAILABLE)
                .tag(ConsistencyMeters.TAG_DRIVER, driver)
                .tag(ConsistencyMeters.TAG_OPERATION, operation)
                .tag(ConsistencyMeters.TAG_OUTCOME, outcome)
                .description("driver calls that found the backend down (failed) or were not sent because it was (refused)")
                .register(registry);
    }

    private static State state(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> State.CLOSED;
        };
    }
}
