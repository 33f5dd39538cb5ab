package io.ironclad.faults;

/** A fault a {@link FaultyDriver} injected. Every kind but {@link #LATENCY} changes the call's outcome. */
public enum FaultKind {
    /** A plain read of a key still within its visibility lag reported it missing. */
    LAG_MISS,
    /** A plain read of an overwritten key within its lag returned the previous version. */
    STALE_VERSION,
    /** A plain read reported an existing object missing. */
    MISSING,
    /** An opened body ended early without an error. */
    TRUNCATED,
    /** One byte of an opened body was flipped. */
    FLIPPED_BYTE,
    /** A read reported wrong digest-valued user metadata. */
    WRONG_METADATA,
    /** The call failed with a transient error. */
    TRANSIENT,
    /** The call failed because the backend was down ({@link FaultyDriver#goDown}): connection refused. */
    OUTAGE,
    /** The call was delayed; its outcome is unchanged. */
    LATENCY;

    /** Whether the fault changes what the caller sees. */
    public boolean harmful() {
        return this != LATENCY;
    }
}
