package io.ironclad.consistency.availability;

/**
 * Whether the object store behind a {@link io.ironclad.consistency.ConsistentStore} is up, as
 * its circuit breaker sees it. One per store (one backend, named by {@link #driver()}); thread
 * safe; the sidecar exposes it as a singleton bean.
 *
 * <p>Contract that callers may rely on (it stays stable):
 * <ul>
 *   <li>Every driver call the store makes passes the breaker. A call that fails with
 *       {@link io.ironclad.driver.BackendUnavailableException} (connection refused or reset,
 *       connect timeout, unknown host, 5xx) counts as a failure; any answer of a live backend,
 *       including "not found" and stale or wrong objects (eventual consistency), counts as a
 *       success; a request timeout or throttling counts as neither.</li>
 *   <li>{@link State#CLOSED}: calls go through. When the share of failures among the last
 *       {@code windowSize} calls (at least {@code minimumCalls} of them) reaches
 *       {@code failureRateThreshold}, the breaker turns {@link State#OPEN}.</li>
 *   <li>{@link State#OPEN}: calls are refused without reaching the backend, with a
 *       {@link CircuitOpenException} (a {@code BackendUnavailableException}, so still
 *       transient), for {@code openWait}; reads and writes of the store then fail at once instead
 *       of waiting for the consistency timeout.</li>
 *   <li>{@link State#HALF_OPEN}: after {@code openWait} the next {@code halfOpenCalls} calls (a
 *       client's request or a {@link #probe()}) are let through as probes; the rest are still
 *       refused. All probes succeed: {@code CLOSED}; one fails: {@code OPEN} again.</li>
 *   <li>{@link #isOpen()} is true in {@code OPEN} and {@code HALF_OPEN}: the backend is
 *       considered down until a probe proved otherwise. A caller that can keep data elsewhere
 *       (write-back) should do so while it is true, and may treat a
 *       {@link io.ironclad.driver.BackendUnavailableException} from the store as "the backend
 *       is down" whatever the state: {@link CircuitOpenException} when the request never
 *       reached it, the plain kind when it did and the backend failed it.</li>
 *   <li>Listeners hear every state change, on the thread that caused it; they must not block.</li>
 * </ul>
 */
public interface BackendAvailability {

    /** The breaker's state. */
    enum State {
        /** The backend answers; calls go through. */
        CLOSED,
        /** The backend failed; calls are refused without reaching it until the open wait passed. */
        OPEN,
        /** The open wait passed; a few probe calls go through, the rest are refused. */
        HALF_OPEN
    }

    /** Hears state changes. */
    @FunctionalInterface
    interface Listener {
        /** {@code status} is the new state; {@code previous} the one it left. */
        void onTransition(State previous, BackendStatus status);
    }

    /** The driver's name, as in {@link io.ironclad.driver.StorageDriver#name()}. */
    String driver();

    /** The current status; never touches the backend. */
    BackendStatus status();

    /** The current state; never touches the backend. */
    default State state() {
        return status().state();
    }

    /** Whether the backend is considered down ({@link State#OPEN} or {@link State#HALF_OPEN}). */
    default boolean isOpen() {
        return state() != State.CLOSED;
    }

    /**
     * Asks the backend a cheap metadata question (a lookup of a probe key that need not exist)
     * through the breaker, if the breaker lets a call through now, and returns the status after
     * it. While {@link State#OPEN} and the open wait has not passed, it returns at once without
     * touching the backend: calling it often (health checks) costs the backend at most one
     * request per open wait. May block up to the driver's request timeout.
     */
    BackendStatus probe();

    /**
     * Opens the breaker now, as if the failure threshold had been reached, because something
     * outside the store's own calls found the backend down (the startup check). It then probes
     * and closes as usual. No effect while the breaker is disabled.
     */
    void markDown(String reason);

    /** Adds a listener of state changes. */
    void addListener(Listener listener);
}
