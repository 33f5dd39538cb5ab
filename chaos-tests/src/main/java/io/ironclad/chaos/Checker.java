package io.ironclad.chaos;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Turns a history into a {@link TargetReport}: verdict counts, failures by type, latency percentiles. */
final class Checker {

    private Checker() {
    }

    static TargetReport check(String target, String url, List<OpRecord> records, long wallNanos,
            Map<String, Long> injected, Map<String, Long> sidecarEvents, List<String> actions) {
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, records.stream().filter(r -> r.outcome() == outcome).count());
        }
        Map<String, Long> failures = records.stream().filter(r -> r.outcome() != Outcome.OK)
                .collect(Collectors.groupingBy(r -> r.kind() + " " + r.error(), TreeMap::new, Collectors.counting()));
        Map<OpKind, KindStats> byKind = new EnumMap<>(OpKind.class);
        records.stream().collect(Collectors.groupingBy(OpRecord::kind))
                .forEach((kind, ofKind) -> byKind.put(kind, stats(ofKind)));
        long[] latencies = latencies(records);
        return new TargetReport(target, url, records.size(), wallNanos / 1e9, outcomes, outcomes.get(Outcome.CORRUPT),
                records.size() - outcomes.get(Outcome.OK), failures, byKind, percentile(latencies, 0.50),
                percentile(latencies, 0.99), Map.copyOf(injected), Map.copyOf(sidecarEvents), List.copyOf(actions));
    }

    private static KindStats stats(List<OpRecord> records) {
        long ok = records.stream().filter(r -> r.outcome() == Outcome.OK).count();
        long bytes = records.stream().mapToLong(OpRecord::bytes).sum();
        long[] latencies = latencies(records);
        return new KindStats(records.size(), ok, records.size() - ok, bytes, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    private static long[] latencies(List<OpRecord> records) {
        long[] latencies = records.stream().mapToLong(OpRecord::latencyNanos).toArray();
        Arrays.sort(latencies);
        return latencies;
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds; 0 for no values. */
    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }
}
