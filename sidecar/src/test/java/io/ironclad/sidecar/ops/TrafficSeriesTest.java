package io.ironclad.sidecar.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficSeriesTest {

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void countsLandInTheirBucketAndOldOnesAreForgotten() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:05Z"));
        TrafficSeries series = new TrafficSeries(clock);
        series.push();
        series.pull();
        series.pull();
        clock.advance(Duration.ofSeconds(10));
        series.push();

        List<TrafficSeries.Bucket> minute = series.last(Duration.ofMinutes(1));
        assertThat(minute).hasSize(6);
        assertThat(minute.get(5)).isEqualTo(new TrafficSeries.Bucket(Instant.parse("2026-12-01T10:00:10Z"), 1, 0));
        assertThat(minute.get(4)).isEqualTo(new TrafficSeries.Bucket(Instant.parse("2026-12-01T10:00:00Z"), 1, 2));
        assertThat(minute.subList(0, 4)).allMatch(b -> b.pushes() == 0 && b.pulls() == 0);

        // a full turn of the ring later the same slots hold new buckets: the old counts are gone
        clock.advance(TrafficSeries.SPAN);
        series.pull();
        List<TrafficSeries.Bucket> later = series.last(TrafficSeries.SPAN);
        assertThat(later).hasSize(TrafficSeries.BUCKETS);
        assertThat(later.stream().mapToLong(TrafficSeries.Bucket::pushes).sum()).isZero();
        assertThat(later.stream().mapToLong(TrafficSeries.Bucket::pulls).sum()).isEqualTo(1);
        assertThat(series.last(Duration.ofDays(1))).as("never more than the ring holds").hasSize(TrafficSeries.BUCKETS);
    }
}
