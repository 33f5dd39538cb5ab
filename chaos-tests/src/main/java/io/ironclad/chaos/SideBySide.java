package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The same workload, seed and scenario against each target in turn (never at once, so the
 * proxy's injection counts and the Swift actions belong to one target), checked into one report.
 */
final class SideBySide {

    /** A registry to run against, with its label in the report. */
    record Target(String label, URI url) {
        Target {
            requireNonNull(label, "label is null");
            requireNonNull(url, "url is null");
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
            Map<String, Long> eventsBefore = TargetEvents.scrape(target.url());
            WorkloadRunner.Result result = WorkloadRunner.run(target.url(), workload, new ActionSchedule(scenario.actions(), control));
            Map<String, Long> events = Injections.delta(eventsBefore, TargetEvents.scrape(target.url()));
            reports.add(Checker.check(target.label(), target.url().toString(), result.records(), result.wallNanos(),
                    Injections.delta(injectedBefore, injected.get()), events, result.actions()));
        }
        return new ChaosReport(scenario.name(), workload.seed(), workload.clients(), workload.operations(), reports);
    }
}
