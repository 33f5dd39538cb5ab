package io.ironclad.chaos;

/** Faults the proxy injects per request (replication lag is configured separately, see {@link LagSpec}). */
enum FaultKind {
    /** Answer with one of {@code statuses} without forwarding, for {@code burst} consecutive matching requests. */
    ERROR,
    /** Wait {@code minMillis..maxMillis} before forwarding. */
    LATENCY,
    /** Forward, then send only part of a 2xx GET body (with the full Content-Length) and close the connection. */
    TRUNCATE,
    /**
     * Forward, then send part of a 2xx GET body (with the full Content-Length), send nothing more
     * for {@code maxMillis} with the connection open (an upstream stalled mid-body), then close it.
     */
    STALL,
    /** Forward, then change one byte of a 2xx GET body (length unchanged). */
    FLIP,
    /** Close the connection without an answer: before forwarding, or after it when {@code afterForward} (outcome unknown). */
    DROP
}
