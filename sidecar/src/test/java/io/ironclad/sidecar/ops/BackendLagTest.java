package io.ironclad.sidecar.ops;

import io.ironclad.sidecar.metadata.Metadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendLagTest {

    private final List<Metadata.EventView> events = new ArrayList<>();

    private void event(String kind, String driver, String key, int attempt, long elapsed) {
        events.add(new Metadata.EventView(events.size() + 1, kind, driver, "open", key, attempt, elapsed, "", "2026-01-01T00:00:00Z"));
    }

    /** A read of {@code key} that missed, then failed {@code failedFetches} freshness reads, then one that succeeded. */
    private void caughtUp(String driver, String key, long... fetchElapsed) {
        event("retry", driver, key, 1, 1);
        for (int i = 0; i < fetchElapsed.length; i++) {
            event("freshness_fetch", driver, key, i + 2, fetchElapsed[i]);
            if (i < fetchElapsed.length - 1) {
                event("retry", driver, key, i + 2, fetchElapsed[i] + 1);
            }
        }
    }

    @Test
    void theLastFreshnessReadOfEachCaughtUpReadIsItsLag() {
        caughtUp("swift", "a", 50);
        caughtUp("swift", "b", 50, 150, 400);
        caughtUp("swift", "c", 50, 120);
        caughtUp("s3", "d", 70);

        Map<String, BackendLag> lag = BackendLag.estimate(events);

        assertThat(lag).containsOnlyKeys("s3", "swift");
        assertThat(lag.get("swift")).isEqualTo(new BackendLag("swift", 3, 120, 400, 400, 0));
        assertThat(lag.get("s3")).isEqualTo(new BackendLag("s3", 1, 70, 70, 70, 0));
    }

    @Test
    void timedOutReadsAreCountedApartAndNotSampled() {
        event("retry", "swift", "gone", 1, 1);
        event("freshness_fetch", "swift", "gone", 2, 60);
        event("retry", "swift", "gone", 2, 61);
        event("freshness_fetch", "swift", "gone", 3, 2000);
        event("timeout", "swift", "gone", 3, 2001);

        assertThat(BackendLag.estimate(events)).containsExactly(Map.entry("swift", new BackendLag("swift", 0, 0, 0, 0, 1)));
    }

    @Test
    void concurrentReadsOfOneKeyPairFailuresWithOpenFetches() {
        // two reads of the same key interleave: one fails its second attempt, the other succeeds with it
        event("retry", "swift", "k", 1, 1);
        event("retry", "swift", "k", 1, 2);
        event("freshness_fetch", "swift", "k", 2, 50);
        event("freshness_fetch", "swift", "k", 2, 55);
        event("retry", "swift", "k", 2, 60);
        event("freshness_fetch", "swift", "k", 3, 160);

        BackendLag lag = BackendLag.estimate(events).get("swift");
        assertThat(lag.samples()).isEqualTo(2);
        assertThat(lag.maxMillis()).isEqualTo(160);
        assertThat(lag.p50Millis()).isEqualTo(55);
    }

    @Test
    void aBackendThatNeverRetriedHasNoEntry() {
        assertThat(BackendLag.estimate(List.of())).isEmpty();
    }
}
