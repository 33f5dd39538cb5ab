package io.ironclad.chaos;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The pull-through scenario of the chaos harness: N clients per cache pull images through it
 * while its upstream flaps through {@link FlappingUpstream#CYCLE}. Several caches run at once,
 * each with its own flapping proxy in the same phase, so they see the same faults at the same
 * time. Each phase releases one fresh image (pushed upstream beforehand, pulled by nobody yet):
 * half the pulls of a phase ask for it, so every fault also meets first fetches of manifests and
 * blob bodies; the other half pull any image released so far. An image counts as cached in a
 * cache once one pull of it through that cache was complete and verified; a failed pull of a
 * cached image is what a cache with a staleness period must not have (the run is far shorter
 * than the period).
 */
final class PullThroughChaos {

    /** A cache under test and the flapping proxy in front of its upstream. */
    record Target(String name, URI cache, FlappingUpstream upstream) {
    }

    /** One cache's figures. */
    record Stats(String target, long pulls, long ok, long corruptServed, long failedCached, long failedUncached,
            long p50Millis, long p99Millis, Map<String, Long> injected, List<String> examples) {
    }

    private final List<PullThroughImage> warm;
    private final List<PullThroughImage> fresh;
    private final int clients;
    private final Duration phase;
    private final int cycles;
    private final long seed;

    /** {@code fresh} holds one image per phase of the run ({@link #phases}), released in order. */
    PullThroughChaos(List<PullThroughImage> warm, List<PullThroughImage> fresh, int clients, Duration phase, int cycles, long seed) {
        if (fresh.size() != phases(cycles)) {
            throw new IllegalArgumentException("one fresh image per phase: " + phases(cycles) + ", got " + fresh.size());
        }
        this.warm = List.copyOf(warm);
        this.fresh = List.copyOf(fresh);
        this.clients = clients;
        this.phase = phase;
        this.cycles = cycles;
        this.seed = seed;
    }

    /** Phases in a run of {@code cycles} cycles. */
    static int phases(int cycles) {
        return cycles * FlappingUpstream.CYCLE.size();
    }

    /** Runs the flapping cycles against all targets at once; returns each target's figures. */
    List<Stats> run(List<Target> targets) throws Exception {
        List<Tally> tallies = targets.stream().map(t -> new Tally()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(targets.size() * clients);
        List<Future<?>> pullers = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger slot = new AtomicInteger();
        PullThroughPuller puller = new PullThroughPuller(Duration.ofSeconds(30));
        for (int t = 0; t < targets.size(); t++) {
            for (int c = 0; c < clients; c++) {
                Target target = targets.get(t);
                Tally tally = tallies.get(t);
                Random random = new Random(seed * 1000 + c); // the same image sequence per client for every target
                pullers.add(pool.submit(() -> {
                    while (running.get()) {
                        PullThroughImage image = pick(random, slot.get());
                        boolean cached = tally.verified.contains(image.reference());
                        long started = System.nanoTime();
                        PullThroughPuller.Pull pull = puller.pull(target.cache(), image);
                        tally.record(image, cached, pull, System.nanoTime() - started);
                    }
                    return null;
                }));
            }
        }
        try {
            for (int at = 0; at < phases(cycles); at++) {
                FlappingUpstream.Phase next = FlappingUpstream.CYCLE.get(at % FlappingUpstream.CYCLE.size());
                for (Target target : targets) {
                    target.upstream().enter(next);
                }
                slot.set(at);
                Thread.sleep(phase.toMillis()); // the phase's length is the scenario itself, not a wait for a condition
            }
        } finally {
            running.set(false);
            for (Future<?> f : pullers) {
                f.get();
            }
            pool.shutdown();
        }
        List<Stats> out = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            out.add(tallies.get(t).stats(targets.get(t).name(), targets.get(t).upstream().injected()));
        }
        return out;
    }

    /** Half the time the fresh image of the phase, else any image released so far. */
    private PullThroughImage pick(Random random, int slot) {
        if (random.nextBoolean()) {
            return fresh.get(slot);
        }
        int released = warm.size() + slot + 1;
        int i = random.nextInt(released);
        return i < warm.size() ? warm.get(i) : fresh.get(i - warm.size());
    }

    /** Pulls every image once through {@code cache} while the upstream is healthy: they are cached afterwards. */
    static void warm(URI cache, List<PullThroughImage> images) {
        PullThroughPuller puller = new PullThroughPuller(Duration.ofSeconds(30));
        for (PullThroughImage image : images) {
            PullThroughPuller.Pull pull = puller.pull(cache, image);
            if (pull.result() != PullThroughPuller.Result.OK) {
                throw new AssertionError("warming " + image.reference() + " through " + cache + ": " + pull);
            }
        }
    }

    /** The side-by-side table: one column per cache. */
    String table(List<Stats> stats) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "pull-through, %d clients per cache, %d images warmed before, 1 fresh per phase, %d cycles of %d phases x %d ms%n",
                clients, warm.size(), cycles, FlappingUpstream.CYCLE.size(), phase.toMillis()));
        row(out, "", stats, Stats::target);
        row(out, "pulls", stats, s -> Long.toString(s.pulls()));
        row(out, "complete, verified", stats, s -> Long.toString(s.ok()));
        row(out, "CORRUPT SERVED", stats, s -> Long.toString(s.corruptServed()));
        row(out, "FAILED PULLS OF CACHED", stats, s -> Long.toString(s.failedCached()));
        row(out, "failed pulls, uncached", stats, s -> Long.toString(s.failedUncached()));
        row(out, "pull p50 / p99 ms", stats, s -> s.p50Millis() + " / " + s.p99Millis());
        Set<String> faults = new TreeSet<>();
        stats.forEach(s -> faults.addAll(s.injected().keySet()));
        for (String fault : faults) {
            row(out, "injected: " + fault, stats, s -> Long.toString(s.injected().getOrDefault(fault, 0L)));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String label, List<Stats> stats, Function<Stats, String> cell) {
        out.append(String.format(Locale.ROOT, "%-26s", label));
        stats.forEach(s -> out.append(String.format(Locale.ROOT, " %16s", cell.apply(s))));
        out.append('\n');
    }

    /** What the clients of one cache saw. */
    private static final class Tally {
        final Set<String> verified = ConcurrentHashMap.newKeySet();
        private final List<Long> millis = new ArrayList<>();
        private final List<String> examples = new ArrayList<>();
        private long ok;
        private long corrupt;
        private long failedCached;
        private long failedUncached;

        synchronized void record(PullThroughImage image, boolean cached, PullThroughPuller.Pull pull, long nanos) {
            millis.add(nanos / 1_000_000);
            switch (pull.result()) {
                case OK -> {
                    ok++;
                    verified.add(image.reference());
                }
                case CORRUPT -> corrupt++;
                case FAILED -> {
                    if (cached) {
                        failedCached++;
                    } else {
                        failedUncached++;
                    }
                }
            }
            if (pull.result() != PullThroughPuller.Result.OK && (pull.result() == PullThroughPuller.Result.CORRUPT || cached)
                    && examples.size() < 5) {
                examples.add(image.reference() + (cached ? " (cached) " : " ") + pull.result() + ": " + pull.detail());
            }
        }

        synchronized Stats stats(String target, Map<String, Long> injected) {
            List<Long> sorted = millis.stream().sorted().toList();
            return new Stats(target, sorted.size(), ok, corrupt, failedCached, failedUncached, percentile(sorted, 0.5),
                    percentile(sorted, 0.99), new TreeMap<>(injected), List.copyOf(examples));
        }

        private static long percentile(List<Long> sorted, double p) {
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
        }
    }
}
