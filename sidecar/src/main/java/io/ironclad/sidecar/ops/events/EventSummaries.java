package io.ironclad.sidecar.ops.events;

import io.ironclad.sidecar.metadata.Events;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.ops.BackendLag;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Builds {@link ConsistencySummary summaries} of the recorded consistency events. */
@Singleton
public final class EventSummaries {

    static final Duration MAX_WINDOW = Duration.ofDays(7);
    static final int MAX_BUCKETS = 500;

    private final Events store;
    private final DbEventListener recorder;
    private final Clock clock;

    @Inject
    EventSummaries(Events store, DbEventListener recorder) {
        this(store, recorder, Clock.systemUTC());
    }

    EventSummaries(Events store, DbEventListener recorder, Clock clock) {
        this.store = store;
        this.recorder = recorder;
        this.clock = clock;
    }

    /**
     * Summarises the {@code window} up to now in buckets of {@code bucket}, after flushing the
     * events still queued so the answer includes the latest. Buckets are aligned to multiples of
     * their length, so the window ends at the end of the current bucket and successive polls draw
     * the same bars.
     *
     * @throws IllegalArgumentException when the window is not positive or longer than {@link #MAX_WINDOW},
     *         or it would need more than {@link #MAX_BUCKETS} buckets of at least one second
     */
    ConsistencySummary summarize(Duration window, Duration bucket) {
        if (window.toSeconds() < 1 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be between 1s and " + MAX_WINDOW.toDays() + "d, got " + window);
        }
        if (bucket.toSeconds() < 1 || Math.ceil((double) window.toMillis() / bucket.toMillis()) > MAX_BUCKETS) {
            throw new IllegalArgumentException("bucket must be at least 1s and the window at most " + MAX_BUCKETS
                    + " buckets long, got window " + window + " and bucket " + bucket);
        }
        recorder.flush();
        long bucketMillis = bucket.toMillis();
        Instant to = Instant.ofEpochMilli((clock.millis() / bucketMillis + 1) * bucketMillis);
        int count = (int) Math.ceil((double) window.toMillis() / bucketMillis);
        Instant from = to.minusMillis(count * bucketMillis);

        List<Map<String, Long>> counts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            counts.add(zeroes());
        }
        Map<String, Long> totals = zeroes();
        for (Metadata.EventCount c : store.eventCounts(from, to, bucket)) {
            counts.get(c.bucket()).merge(c.kind(), c.count(), Long::sum);
            totals.merge(c.kind(), c.count(), Long::sum);
        }
        List<ConsistencySummary.Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buckets.add(new ConsistencySummary.Bucket(from.plusMillis(i * bucketMillis).toString(), counts.get(i)));
        }

        Lag lag = lag(from, to);
        return new ConsistencySummary(from.toString(), to.toString(), bucket.toSeconds(), List.copyOf(EventFilter.KNOWN_KINDS),
                buckets, totals, List.copyOf(lag.perBackend().values()), lag.sampled(), recorder.dropped());
    }

    /** The lag per backend in {@code [from, to)}; {@code sampled} when only the newest events of the range were used. */
    public record Lag(Map<String, BackendLag> perBackend, boolean sampled) {
    }

    /** Estimates the lag per backend from the events recorded in {@code [from, to)} (see {@link BackendLag}). */
    public Lag lag(Instant from, Instant to) {
        List<Metadata.EventView> events = new ArrayList<>(store.events(new EventFilter(Set.copyOf(BackendLag.KINDS),
                Optional.of(from), Optional.of(to), EventFilter.MAX_LIMIT)));
        Collections.reverse(events); // newest first from the database; the estimate wants them in order
        return new Lag(BackendLag.estimate(events), events.size() >= EventFilter.MAX_LIMIT);
    }

    private static Map<String, Long> zeroes() {
        Map<String, Long> zeroes = new TreeMap<>();
        EventFilter.KNOWN_KINDS.forEach(kind -> zeroes.put(kind, 0L));
        return zeroes;
    }
}
