package io.ironclad.sidecar.ops.events;

import io.ironclad.sidecar.ops.BackendLag;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ops/consistency/summary} answers and the dashboard draws: event counts per
 * kind in consecutive time buckets of one window, totals, and the lag estimate per backend.
 *
 * @param from start of the window (inclusive), ISO-8601
 * @param to end of the window (exclusive), ISO-8601
 * @param bucketSeconds length of each bucket
 * @param kinds every event kind, in the order the counts use
 * @param buckets every bucket of the window, oldest first, including empty ones
 * @param totals events per kind in the window
 * @param lag lag per backend that had to retry in the window (see {@link BackendLag})
 * @param lagSampled whether the lag was estimated from only the newest {@link EventFilter#MAX_LIMIT} retry events
 * @param dropped events the recorder dropped since start because its queue was full
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // an empty list is an answer; Micronaut's default would leave it out
record ConsistencySummary(String from, String to, long bucketSeconds, List<String> kinds, List<Bucket> buckets,
        Map<String, Long> totals, List<BackendLag> lag, boolean lagSampled, long dropped) {

    ConsistencySummary {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        kinds = List.copyOf(kinds);
        buckets = List.copyOf(buckets);
        totals = Map.copyOf(totals);
        lag = List.copyOf(lag);
    }

    /** Events per kind that started in {@code [start, start + bucketSeconds)}. */
    record Bucket(String start, Map<String, Long> counts) {
        Bucket {
            requireNonNull(start, "start is null");
            counts = Map.copyOf(counts);
        }
    }
}
