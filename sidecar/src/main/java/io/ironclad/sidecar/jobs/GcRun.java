package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.metadata.GcMarks;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.Backends.Collected;
import io.ironclad.sidecar.cli.Backends.GcResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One operator {@code gc} run, the same whether the command opened the database or the running server runs it. */
public final class GcRun {

    private static final int MAX_COLLECT_ROUNDS = 10_000;

    private GcRun() {
    }

    /** Lists the candidates older than {@code grace}; unless {@code dryRun}, collects until none is left and reports what went. */
    public static GcResult run(GcMarks marks, OrphanCollector orphans, BlobCollector collector, Clock clock, Duration grace,
            boolean dryRun)
            throws StorageException {
        List<Collected> candidates = candidates(marks, orphans, clock.instant().minus(grace));
        if (dryRun) {
            return new GcResult(candidates, 0);
        }
        for (int round = 0; round < MAX_COLLECT_ROUNDS && collector.collect(grace) > 0; round++) {
            // each round collects up to the collector's batch; repeat until nothing is left
        }
        Set<String> left = new HashSet<>();
        candidates(marks, orphans, clock.instant().minus(grace)).forEach(blob -> left.add(blob.digest().toString()));
        List<Collected> gone = candidates.stream().filter(blob -> !left.contains(blob.digest().toString())).toList();
        return new GcResult(gone, (int) candidates.stream().filter(blob -> left.contains(blob.digest().toString())).count());
    }

    /** Unreferenced rows, then blob objects no row knows (orphans), both older than {@code before}. */
    private static List<Collected> candidates(GcMarks marks, OrphanCollector orphans, Instant before) throws StorageException {
        List<Collected> candidates = new ArrayList<>(marks.unreferencedBlobs(before, Integer.MAX_VALUE).stream()
                .map(row -> new Collected(row.digest(), row.size(), row.storedKey())).toList());
        orphans.find(before, Integer.MAX_VALUE).forEach(o -> candidates.add(new Collected(o.digest(), o.size(), o.key().value())));
        return candidates;
    }
}
