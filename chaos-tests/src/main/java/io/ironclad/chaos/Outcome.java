package io.ironclad.chaos;

/** What the checker concluded about one operation. */
enum Outcome {
    /** The expected status, and for reads a complete body that hashes to what was asked for. */
    OK,
    /** A 2xx whose complete body does not hash to what was asked for: the number that must be zero. */
    CORRUPT,
    /** A 2xx whose body ended early (connection closed or reset before Content-Length): a client notices and retries. */
    INCOMPLETE,
    /** A tag read that returned an older manifest than the one the same client pushed (and got 201 for) before. */
    STALE,
    /** An unexpected status or a transport error before any body. */
    FAILED
}
