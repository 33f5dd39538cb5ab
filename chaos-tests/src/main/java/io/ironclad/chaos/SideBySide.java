package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
            WorkloadRunner.Result result = WorkloadRunner.run(target, workload, ActionSchedule.of(scenario, control));
            Map<String, Long> events = Injections.delta(eventsBefore, target.events());
            reports.add(Checker.check(target.label(), target.describe(), result.records(), result.wallNanos(),
                    Injections.delta(injectedBefore, injected.get()), events, result.actions()));
        }
        return new ChaosReport(scenario.name(), workload.seed(), workload.clients(), workload.operations(), reports);
    }

    /**
     * The same workload against every target at once, each behind its own fault proxy (its
     * counts in {@code injected}, in target order), so a long run takes the time of the slowest
     * target rather than the sum. Only for scenarios without Swift actions: those stop and start
     * servers that every target shares.
     */
    static ChaosReport runAtOnce(List<Target> targets, List<Supplier<Map<String, Long>>> injected, Workload workload,
            Scenario scenario) throws InterruptedException {
        if (!scenario.actions().isEmpty()) {
            throw new IllegalArgumentException("scenario " + scenario.name() + " has Swift actions: its targets must run one after the other");
        }
        if (injected.size() != targets.size()) {
            throw new IllegalArgumentException(targets.size() + " targets but " + injected.size() + " proxies");
        }
        List<CompletableFuture<ChaosReport>> runs = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            List<Target> one = List.of(targets.get(i));
            Supplier<Map<String, Long>> counts = injected.get(i);
            runs.add(CompletableFuture.supplyAsync(() -> runOne(one, workload, scenario, counts)));
        }
        List<TargetReport> reports = new ArrayList<>();
        for (CompletableFuture<ChaosReport> run : runs) {
            try {
                reports.add(run.get().targets().get(0));
            } catch (ExecutionException e) {
                throw new IllegalStateException("a side-by-side run failed", e.getCause());
            }
        }
        return new ChaosReport(scenario.name(), workload.seed(), workload.clients(), workload.operations(), reports);
    }

    private static ChaosReport runOne(List<Target> target, Workload workload, Scenario scenario, Supplier<Map<String, Long>> injected) {
        try {
            return run(target, workload, scenario, injected, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
