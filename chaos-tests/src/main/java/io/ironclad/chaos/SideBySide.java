package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The same workload, seed and scenario against each target in turn (never at once, so the
 * proxy's injection counts and the Swift actions belong to one target), checked into one report.
 */
final class SideBySide {

    /**
     * A registry to run against, with its label in the report: images are pushed to {@code url}
     * and pulled from {@code pullUrl}, the same registry or another replica of it (another zone).
     */
    record Target(String label, URI url, URI pullUrl) {
        Target {
            requireNonNull(label, "label is null");
            requireNonNull(url, "url is null");
            requireNonNull(pullUrl, "pullUrl is null");
        }

        Target(String label, URI url) {
            this(label, url, url);
        }

        String describe() {
            return url.equals(pullUrl) ? url.toString() : "push " + url + ", pull " + pullUrl;
        }

        /** The consistency events of every sidecar involved, summed by kind. */
        Map<String, Long> events() {
            Map<String, Long> events = new TreeMap<>(TargetEvents.scrape(url));
            if (!pullUrl.equals(url)) {
                TargetEvents.scrape(pullUrl).forEach((kind, count) -> events.merge(kind, count, Long::sum));
            }
            return events;
        }
    }

    private SideBySide() {
    }

    /**
     * @param injected the fault proxy's counts so far (empty map without a proxy); deltas per target go in the report
     * @param control runs the scenario's Swift actions; empty only when it has none
     */
    static ChaosReport run(List<Target> targets, Workload workload, Scenario scenario, Supplier<Map<String, Long>> injected,
            Optional<SwiftControl> control) throws InterruptedException {
        List<TargetReport> reports = new ArrayList<>();
        for (Target target : targets) {
            Map<String, Long> injectedBefore = injected.get();
            Map<String, Long> eventsBefore = target.events();
            WorkloadRunner.Result result = WorkloadRunner.run(target, workload, new ActionSchedule(scenario.actions(), control));
            Map<String, Long> events = Injections.delta(eventsBefore, target.events());
            reports.add(Checker.check(target.label(), target.describe(), result.records(), result.wallNanos(),
                    Injections.delta(injectedBefore, injected.get()), events, result.actions()));
        }
        return new ChaosReport(scenario.name(), workload.seed(), workload.clients(), workload.operations(), reports);
    }
}
