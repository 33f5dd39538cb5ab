package io.ironclad.sidecar.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Image pushes and pulls of this replica per time bucket over the last hour, kept in memory in a
 * ring of {@value #BUCKETS} buckets of {@value #BUCKET_SECONDS} s (no thread: a bucket is
 * cleared when the clock reaches it again). Thread-safe.
 */
final class TrafficSeries {

    static final int BUCKET_SECONDS = 10;
    static final int BUCKETS = 360;
    static final Duration SPAN = Duration.ofSeconds((long) BUCKET_SECONDS * BUCKETS);

    private final Clock clock;
    private final long[] epochs = new long[BUCKETS];
    private final long[] pushes = new long[BUCKETS];
    private final long[] pulls = new long[BUCKETS];

    TrafficSeries(Clock clock) {
        this.clock = clock;
        java.util.Arrays.fill(epochs, -1);
    }

    /** A minute-or-shorter bucket: its start and the pushes and pulls in it. */
    record Bucket(Instant start, long pushes, long pulls) {
    }

    synchronized void push() {
        pushes[slot(epoch())]++;
    }

    synchronized void pull() {
        pulls[slot(epoch())]++;
    }

    /** The buckets of the last {@code window} (at most {@link #SPAN}), oldest first, the current one last. */
    synchronized List<Bucket> last(Duration window) {
        long now = epoch();
        int count = (int) Math.min(BUCKETS, Math.max(1, (window.toSeconds() + BUCKET_SECONDS - 1) / BUCKET_SECONDS));
        List<Bucket> buckets = new ArrayList<>(count);
        for (long e = now - count + 1; e <= now; e++) {
            int i = (int) Math.floorMod(e, (long) BUCKETS);
            boolean current = epochs[i] == e;
            buckets.add(new Bucket(Instant.ofEpochSecond(e * BUCKET_SECONDS), current ? pushes[i] : 0, current ? pulls[i] : 0));
        }
        return buckets;
    }

    private long epoch() {
        return Math.floorDiv(clock.millis(), BUCKET_SECONDS * 1000L);
    }

    /** The slot of {@code epoch}, emptied first if it still holds an older bucket. */
    private int slot(long epoch) {
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (epochs[i] != epoch) {
            epochs[i] = epoch;
            pushes[i] = 0;
            pulls[i] = 0;
        }
        return i;
    }
}
