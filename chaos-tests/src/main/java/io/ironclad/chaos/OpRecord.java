package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

/**
 * One operation of the history.
 *
 * @param kind what was done
 * @param repo repository name
 * @param ref digest or tag
 * @param status HTTP status of the (last) response, or -1 when none arrived
 * @param bytes body bytes sent (pushes) or received (reads)
 * @param latencyNanos wall time of the whole operation
 * @param outcome the checker's verdict
 * @param error empty when OK; else a short type, e.g. {@code status 503}, {@code IOException: ...}
 */
record OpRecord(OpKind kind, String repo, String ref, int status, long bytes, long latencyNanos, Outcome outcome, String error) {

    OpRecord {
        requireNonNull(kind, "kind is null");
        requireNonNull(repo, "repo is null");
        requireNonNull(ref, "ref is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(error, "error is null");
    }
}
