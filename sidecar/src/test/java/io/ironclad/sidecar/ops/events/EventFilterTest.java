package io.ironclad.sidecar.ops.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void kindsAreRepeatableOrCommaSeparatedAndCaseInsensitive() {
        EventFilter filter = EventFilter.parse(List.of("retry,TIMEOUT", " integrity_refusal "), null, null, null, CLOCK);
        assertThat(filter.kinds()).containsExactlyInAnyOrder("retry", "timeout", "integrity_refusal");
        assertThat(filter.limit()).isEqualTo(EventFilter.DEFAULT_LIMIT);
        assertThat(EventFilter.parse(null, null, null, "5", CLOCK).kinds()).isEmpty();
    }

    @Test
    void unknownKindIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> EventFilter.parse(List.of("retry,retries"), null, null, null, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'retries'")
                .hasMessageContaining("backend_unavailable, freshness_fetch, integrity_refusal, legacy_verified, retry, stale_metadata, stale_served, tag_refresh, timeout, upstream_error");
    }

    @Test
    void timesAreInstantsOrDurationsBackFromNow() {
        EventFilter filter = EventFilter.parse(null, "15m", "2026-01-02T03:00:00Z", "10", CLOCK);
        assertThat(filter.since()).hasValue(NOW.minusSeconds(15 * 60));
        assertThat(filter.until()).hasValue(Instant.parse("2026-01-02T03:00:00Z"));
        assertThat(EventFilter.parse(null, "500ms", null, "1", CLOCK).since()).hasValue(NOW.minusMillis(500));
        assertThat(EventFilter.parse(null, "1d", "2h", "1", CLOCK).until()).hasValue(NOW.minusSeconds(7200));
        assertThat(EventFilter.parse(null, "", null, "1", CLOCK).since()).isEqualTo(Optional.empty());
    }

    @Test
    void badTimesAndLimitsAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> EventFilter.parse(null, "yesterday", null, null, CLOCK)).hasMessageStartingWith("since=yesterday");
        assertThatThrownBy(() -> EventFilter.parse(null, null, "15 minutes", null, CLOCK)).hasMessageStartingWith("until=15 minutes");
        assertThatThrownBy(() -> EventFilter.parse(null, "5m", "10m", null, CLOCK)).hasMessageContaining("must be before until");
        assertThatThrownBy(() -> EventFilter.parse(null, null, null, "0", CLOCK)).hasMessageContaining("limit must be between 1 and 10000");
        assertThatThrownBy(() -> EventFilter.parse(null, null, null, "10001", CLOCK)).hasMessageContaining("got 10001");
        assertThatThrownBy(() -> EventFilter.parse(null, null, null, "ten", CLOCK)).hasMessage("limit=ten is not a number between 1 and 10000");
        assertThatThrownBy(() -> EventFilter.parseDuration("window", "1w")).hasMessageStartingWith("window=1w is not a duration");
    }
}
