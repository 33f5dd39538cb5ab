package io.ironclad.chaos;

import java.util.List;
import java.util.Map;

/**
 * The checked history of one target.
 *
 * @param target a label ({@code ironclad}, {@code peer})
 * @param url the registry's base URL
 * @param operations recorded operations
 * @param wallSeconds duration of the run
 * @param outcomes operations per {@link Outcome}
 * @param corruptServed 2xx answers whose complete body did not hash to what was asked for
 * @param failedOperations operations whose outcome is not {@link Outcome#OK}
 * @param failures failed operations by kind and error type ({@code BLOB_GET GET 503 BLOB_UNKNOWN})
 * @param byKind figures per operation kind
 * @param p50Millis median latency of all operations
 * @param p99Millis 99th percentile latency of all operations
 * @param injected faults the proxy injected while this target ran, by kind (empty without a proxy)
 * @param sidecarEvents consistency events the target reported on {@code /prometheus} during the run, by kind
 *     (retries, freshness fetches, integrity refusals...; empty for a registry without them)
 * @param actions real-backend fault actions run, with the operation count at which they ran
 */
record TargetReport(String target, String url, long operations, double wallSeconds, Map<Outcome, Long> outcomes,
        long corruptServed, long failedOperations, Map<String, Long> failures, Map<OpKind, KindStats> byKind,
        double p50Millis, double p99Millis, Map<String, Long> injected, Map<String, Long> sidecarEvents, List<String> actions) {
}
