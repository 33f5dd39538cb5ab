package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.EventPruner;
import io.ironclad.sidecar.metadata.Metadata;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.ConsistencyEvent.Kind;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /ops/consistency/events} filters and {@code /ops/consistency/summary} against events
 * recorded in the metadata database; subclasses choose the database. One sidecar serves all
 * tests; each starts with an empty event table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOpsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sidecar sidecar;
    private Instant now;

    abstract String jdbcUrl();

    @BeforeAll
    void start() throws Exception {
        sidecar = new Sidecar(jdbcUrl(), InMemoryDrivers.create(), Files.createTempDirectory("ironclad-ops"));
    }

    @BeforeEach
    void noEvents() throws Exception {
        try (var c = sidecar.bean(DataSource.class).getConnection(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM consistency_events");
        }
        now = Instant.now();
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    private ConsistencyEvent event(Kind kind, String driver, String key, int attempt, long elapsedMillis, Instant at) {
        return new ConsistencyEvent(kind, driver, "open", key, attempt, Duration.ofMillis(elapsedMillis), kind + " " + key, at);
    }

    private void record(ConsistencyEvent... events) {
        sidecar.bean(Metadata.class).insertEvents(List.of(events));
    }

    private HttpResponse<byte[]> get(String path) {
        return sidecar.send(sidecar.request(path).header("Accept", "application/json").GET());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> response = get(path);
        assertThat(response.statusCode()).as(Oci.body(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(response.body());
    }

    private List<String> keys(String query) throws Exception {
        List<String> keys = new ArrayList<>();
        json("/ops/consistency/events?" + query).path("events").forEach(e -> keys.add(e.path("key").asText()));
        return keys;
    }

    private static String encode(Instant t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void eventsAreFilteredByKindAndTimeNewestFirst() throws Exception {
        record(event(Kind.RETRY, "swift", "old-retry", 1, 5, now.minusSeconds(20 * 60)),
                event(Kind.RETRY, "swift", "retry", 1, 5, now.minusSeconds(5 * 60)),
                event(Kind.TIMEOUT, "swift", "timeout", 4, 2000, now.minusSeconds(60)),
                event(Kind.INTEGRITY_REFUSAL, "s3", "refusal", 1, 0, now.minusSeconds(30)));

        assertThat(keys("limit=100")).containsExactly("refusal", "timeout", "retry", "old-retry");
        assertThat(keys("kind=retry")).containsExactly("retry", "old-retry");
        assertThat(keys("kind=retry,timeout")).containsExactly("timeout", "retry", "old-retry");
        assertThat(keys("kind=retry&kind=integrity_refusal")).containsExactly("refusal", "retry", "old-retry");
        assertThat(keys("since=10m")).containsExactly("refusal", "timeout", "retry");
        assertThat(keys("kind=retry&since=10m")).containsExactly("retry");
        assertThat(keys("since=" + encode(now.minusSeconds(30 * 60)) + "&until=" + encode(now.minusSeconds(60))))
                .as("until is exclusive").containsExactly("retry", "old-retry");
        assertThat(keys("limit=2")).containsExactly("refusal", "timeout");

        JsonNode timeout = json("/ops/consistency/events?kind=timeout").path("events").get(0);
        assertThat(timeout.path("kind").asText()).isEqualTo("timeout");
        assertThat(timeout.path("driver").asText()).isEqualTo("swift");
        assertThat(timeout.path("attempt").asInt()).isEqualTo(4);
        assertThat(timeout.path("elapsedMillis").asLong()).isEqualTo(2000);
        assertThat(Instant.parse(timeout.path("at").asText())).isEqualTo(now.minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void eventsOlderThanTheRetentionArePrunedInBatchesAndNewerOnesStay() throws Exception {
        List<ConsistencyEvent> old = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            old.add(event(Kind.RETRY, "swift", "old-" + i, 1, 5, now.minus(Duration.ofDays(15)).plusMillis(i)));
        }
        sidecar.bean(Metadata.class).insertEvents(old);
        record(event(Kind.RETRY, "swift", "kept", 1, 5, now.minus(Duration.ofDays(13))),
                event(Kind.TIMEOUT, "s3", "recent", 3, 900, now.minusSeconds(60)));

        assertThat(sidecar.bean(EventPruner.class).prune()).as("events deleted (default retention 14d)").isEqualTo(2_500);
        assertThat(keys("limit=10000")).containsExactly("recent", "kept");
        assertThat(sidecar.bean(EventPruner.class).prune()).as("a second run finds nothing").isZero();
    }

    @Test
    void badParametersAre400WithAMessageNamingThem() throws Exception {
        assertBadRequest("/ops/consistency/events?kind=retries", "unknown event kind 'retries'; known kinds: backend_unavailable, freshness_fetch,");
        assertBadRequest("/ops/consistency/events?since=yesterday", "since=yesterday is neither an ISO-8601 instant");
        assertBadRequest("/ops/consistency/events?limit=0", "limit must be between 1 and 10000");
        assertBadRequest("/ops/consistency/events?limit=many", "limit=many is not a number");
        assertBadRequest("/ops/consistency/events?limit=20000", "limit must be between 1 and 10000, got 20000");
        assertBadRequest("/ops/consistency/summary?window=8d", "window must be between 1s and 7d");
        assertBadRequest("/ops/consistency/summary?window=1h&bucket=1s", "at most 500 buckets");
        assertBadRequest("/ops/consistency/summary?bucket=soon", "bucket=soon is not a duration");
    }

    private void assertBadRequest(String path, String message) throws Exception {
        HttpResponse<byte[]> response = get(path);
        assertThat(response.statusCode()).as(Oci.body(response)).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).as(path).contains(message);
    }

    @Test
    void summaryCountsEventsPerBucketAndEstimatesLagPerBackend() throws Exception {
        Instant t = now.minusSeconds(120);
        record(event(Kind.RETRY, "swift", "a", 1, 2, t),
                event(Kind.FRESHNESS_FETCH, "swift", "a", 2, 300, t.plusMillis(300)),
                event(Kind.RETRY, "swift", "b", 1, 2, t),
                event(Kind.FRESHNESS_FETCH, "swift", "b", 2, 100, t.plusMillis(100)),
                event(Kind.RETRY, "swift", "b", 2, 101, t.plusMillis(101)),
                event(Kind.FRESHNESS_FETCH, "swift", "b", 3, 700, t.plusMillis(700)),
                event(Kind.RETRY, "s3", "c", 1, 2, t),
                event(Kind.FRESHNESS_FETCH, "s3", "c", 2, 90, t.plusMillis(90)),
                event(Kind.RETRY, "s3", "c", 2, 91, t.plusMillis(91)),
                event(Kind.TIMEOUT, "s3", "c", 3, 2000, t.plusMillis(2000)),
                event(Kind.INTEGRITY_REFUSAL, "s3", "d", 1, 0, now.minusSeconds(10)),
                event(Kind.RETRY, "swift", "outside-the-window", 1, 2, now.minusSeconds(3600)));

        JsonNode summary = json("/ops/consistency/summary?window=10m&bucket=1m");

        assertThat(summary.path("bucketSeconds").asLong()).isEqualTo(60);
        assertThat(summary.path("buckets")).hasSize(10);
        Instant from = Instant.parse(summary.path("from").asText());
        assertThat(Instant.parse(summary.path("to").asText())).isEqualTo(from.plusSeconds(600)).isAfter(now);
        assertThat(summary.path("totals").path("retry").asLong()).isEqualTo(5);
        assertThat(summary.path("totals").path("freshness_fetch").asLong()).isEqualTo(4);
        assertThat(summary.path("totals").path("timeout").asLong()).isEqualTo(1);
        assertThat(summary.path("totals").path("integrity_refusal").asLong()).isEqualTo(1);
        assertThat(summary.path("totals").path("legacy_verified").asLong()).isZero();
        long retries = 0;
        for (JsonNode bucket : summary.path("buckets")) {
            Instant start = Instant.parse(bucket.path("start").asText());
            long inBucket = bucket.path("counts").path("retry").asLong();
            if (inBucket > 0) {
                assertThat(t).as("retries counted in the bucket that holds them").isBetween(start, start.plusSeconds(60));
            }
            retries += inBucket;
        }
        assertThat(retries).isEqualTo(5);

        JsonNode lag = summary.path("lag");
        assertThat(lag).hasSize(2);
        assertThat(lag.get(0).path("driver").asText()).isEqualTo("s3");
        assertThat(lag.get(0).path("samples").asInt()).isZero();
        assertThat(lag.get(0).path("timeouts").asInt()).isEqualTo(1);
        assertThat(lag.get(1).path("driver").asText()).isEqualTo("swift");
        assertThat(lag.get(1).path("samples").asInt()).isEqualTo(2);
        assertThat(lag.get(1).path("p50Millis").asLong()).isEqualTo(300);
        assertThat(lag.get(1).path("maxMillis").asLong()).isEqualTo(700);
        assertThat(summary.path("lagSampled").asBoolean()).isFalse();
    }

    @Test
    void anEmptyWindowHasZeroBucketsAndNoLag() throws Exception {
        JsonNode summary = json("/ops/consistency/summary");
        assertThat(summary.path("buckets")).hasSize(30);
        assertThat(summary.path("bucketSeconds").asLong()).isEqualTo(30);
        assertThat(summary.path("totals").path("retry").asLong()).isZero();
        assertThat(summary.path("lag").isArray()).as("lag is an empty list, not left out").isTrue();
        assertThat(summary.path("lag")).isEmpty();
        JsonNode events = json("/ops/consistency/events");
        assertThat(events.path("events").isArray()).as("events is an empty list, not left out: %s", events).isTrue();
        assertThat(events.path("events")).isEmpty();
    }
}
