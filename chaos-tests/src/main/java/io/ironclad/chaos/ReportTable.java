package io.ironclad.chaos;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/** The short human table of a {@link ChaosReport}: one column per target. */
final class ReportTable {

    private ReportTable() {
    }

    static String render(ChaosReport report) {
        List<TargetReport> targets = report.targets();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "scenario %s, seed %d, %d clients%n", report.scenario(), report.seed(), report.clients()));
        row(out, "", targets, TargetReport::target);
        row(out, "operations", targets, t -> Long.toString(t.operations()));
        row(out, "wall time s", targets, t -> String.format(Locale.ROOT, "%.1f", t.wallSeconds()));
        row(out, "CORRUPT SERVED", targets, t -> Long.toString(t.corruptServed()));
        row(out, "incomplete bodies", targets, t -> count(t.outcomes(), Outcome.INCOMPLETE));
        row(out, "stale tag reads", targets, t -> count(t.outcomes(), Outcome.STALE));
        row(out, "failed operations", targets, t -> Long.toString(t.failedOperations()));
        row(out, "p50 / p99 ms (all)", targets, t -> millis(t.p50Millis(), t.p99Millis()));
        for (OpKind kind : OpKind.values()) {
            row(out, kind + " n, p50/p99", targets, t -> {
                KindStats stats = t.byKind().get(kind);
                return stats == null ? "-" : stats.count() + ", " + millis(stats.p50Millis(), stats.p99Millis());
            });
        }
        for (String event : keys(targets, TargetReport::sidecarEvents)) {
            // a target reporting no events at all has no such counters (the peer), which is not zero
            row(out, "target events: " + event, targets, t -> t.sidecarEvents().isEmpty() ? "n/a" : count(t.sidecarEvents(), event));
        }
        for (String fault : keys(targets, TargetReport::injected)) {
            row(out, "injected: " + fault, targets, t -> count(t.injected(), fault));
        }
        for (TargetReport target : targets) {
            if (!target.failures().isEmpty()) {
                out.append(target.target()).append(" failures by type:\n");
                target.failures().forEach((type, n) -> out.append(String.format(Locale.ROOT, "  %6d  %s%n", n, type)));
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String label, List<TargetReport> targets, Function<TargetReport, String> cell) {
        out.append(String.format(Locale.ROOT, "%-34s", label));
        targets.forEach(t -> out.append(String.format(Locale.ROOT, "%22s", cell.apply(t))));
        out.append('\n');
    }

    private static TreeSet<String> keys(List<TargetReport> targets, Function<TargetReport, Map<String, Long>> map) {
        TreeSet<String> keys = new TreeSet<>();
        targets.forEach(t -> keys.addAll(map.apply(t).keySet()));
        return keys;
    }

    private static <K> String count(Map<K, Long> map, K key) {
        return Long.toString(map.getOrDefault(key, 0L));
    }

    private static String millis(double p50, double p99) {
        return String.format(Locale.ROOT, "%.0f / %.0f", p50, p99);
    }

}
