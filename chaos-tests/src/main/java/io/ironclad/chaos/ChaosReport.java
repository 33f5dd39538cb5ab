package io.ironclad.chaos;

import java.util.List;

/** One run: the same workload, seed and scenario against each target, side by side. */
record ChaosReport(String scenario, long seed, int clients, long operationsPerTarget, List<TargetReport> targets) {
}
