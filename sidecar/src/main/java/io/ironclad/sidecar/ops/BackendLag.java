package io.ironclad.sidecar.ops;

import io.ironclad.sidecar.metadata.Metadata;
import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replication lag one backend showed in a time window, estimated from the store's own
 * consistency events.
 *
 * <p>A <em>caught-up read</em> is an operation ({@code stat}, {@code open}, {@code barrier}) that
 * missed or saw stale data, retried with freshness reads and then succeeded. Its lag sample is the
 * {@code elapsed} time of its last freshness read: the time from the operation's start until the
 * backend first returned the correct object, rounded up by the retry backoff. The events carry no
 * operation id, so a freshness read counts as successful when no {@code retry} or {@code timeout}
 * of the same driver, operation, key and attempt number follows it (concurrent operations on one
 * key pair their failures with the oldest open freshness reads first); a freshness read still in
 * flight at the end of the window counts as successful.
 *
 * <p>Operations that hit the consistency timeout are counted in {@link #timeouts} and left out of
 * the percentiles: their lag is only known to exceed the timeout. A backend that needed no
 * retries in the window has no entry at all (lag below what the store can observe).
 *
 * @param driver the driver's name
 * @param samples caught-up reads in the window
 * @param p50Millis median lag sample, 0 when there are no samples
 * @param p95Millis 95th percentile (nearest rank), 0 when there are no samples
 * @param maxMillis largest lag sample, 0 when there are no samples
 * @param timeouts operations that gave up at the consistency timeout
 */
public record BackendLag(String driver, int samples, long p50Millis, long p95Millis, long maxMillis, int timeouts) {

    /** A {@code backend_unavailable} after a freshness read failed it like a retry: an outage is not a caught-up read. */
    public static final List<String> KINDS = List.of("freshness_fetch", "retry", "timeout", "backend_unavailable");

    public BackendLag {
        requireNonNull(driver, "driver is null");
    }

    /**
     * Estimates the lag of every driver named in {@code events}, which must be the
     * {@code freshness_fetch}, {@code retry} and {@code timeout} events of one window, oldest first.
     */
    public static Map<String, BackendLag> estimate(List<Metadata.EventView> events) {
        Map<String, Deque<Long>> openFetches = new HashMap<>();
        Map<String, Integer> timeouts = new TreeMap<>();
        for (Metadata.EventView e : events) {
            String attemptKey = e.driver() + '\u0000' + e.operation() + '\u0000' + e.key() + '\u0000' + e.attempt();
            switch (e.kind()) {
                case "freshness_fetch" -> openFetches.computeIfAbsent(attemptKey, k -> new ArrayDeque<>()).add(e.elapsedMillis());
                case "retry", "backend_unavailable" -> failed(openFetches, attemptKey);
                case "timeout" -> {
                    failed(openFetches, attemptKey);
                    timeouts.merge(e.driver(), 1, Integer::sum);
                }
                default -> throw new IllegalArgumentException("not a lag event kind: " + e.kind());
            }
        }
        Map<String, List<Long>> samples = new TreeMap<>();
        openFetches.forEach((attemptKey, fetches) -> samples
                .computeIfAbsent(attemptKey.substring(0, attemptKey.indexOf('\u0000')), d -> new ArrayList<>()).addAll(fetches));
        timeouts.keySet().forEach(d -> samples.computeIfAbsent(d, x -> new ArrayList<>()));
        Map<String, BackendLag> lag = new TreeMap<>();
        samples.forEach((driver, values) -> lag.put(driver, of(driver, values, timeouts.getOrDefault(driver, 0))));
        return lag;
    }

    private static void failed(Map<String, Deque<Long>> openFetches, String attemptKey) {
        Deque<Long> fetches = openFetches.get(attemptKey);
        if (fetches != null) {
            fetches.poll();
            if (fetches.isEmpty()) {
                openFetches.remove(attemptKey);
            }
        }
    }

    private static BackendLag of(String driver, List<Long> values, int timeouts) {
        List<Long> sorted = values.stream().sorted().toList();
        return new BackendLag(driver, sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1), timeouts);
    }

    /** Nearest-rank percentile. */
    private static long rank(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
