package io.ironclad.sidecar.ops.events;

import io.ironclad.sidecar.metadata.Events;
import io.ironclad.sidecar.metadata.Metadata;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Operator endpoints over the consistency events the store reported: the events themselves,
 * filtered by kind and time, and a bucketed summary with the lag estimate per backend (what the
 * dashboard at {@code /ops/dashboard} draws). Bad parameters are 400 with a message naming them.
 */
@Controller("/ops")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OpsController {

    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    private static final int DEFAULT_BUCKETS = 30;

    private final Events store;
    private final DbEventListener events;
    private final EventSummaries summaries;
    private final Clock clock = Clock.systemUTC();

    OpsController(Events store, DbEventListener events, EventSummaries summaries) {
        this.store = store;
        this.events = events;
        this.summaries = summaries;
    }

    /**
     * Recent events, newest first: {@code kind=} (repeatable or a comma list), {@code since=} and
     * {@code until=} (ISO-8601 instants or durations back from now such as {@code 15m}),
     * {@code limit=} (default 100, at most 10000).
     */
    @Get("/consistency/events")
    HttpResponse<EventList> events(@Nullable @QueryValue List<String> kind, @Nullable @QueryValue String since,
            @Nullable @QueryValue String until, @Nullable @QueryValue String limit) {
        EventFilter filter = EventFilter.parse(kind, since, until, limit, clock);
        events.flush();
        return noStore(new EventList(store.events(filter), events.dropped()));
    }

    /** Counts per kind per bucket over {@code window=} (default 15m) in {@code bucket=}s (default window/30), plus lag per backend. */
    @Get("/consistency/summary")
    HttpResponse<ConsistencySummary> summary(@Nullable @QueryValue String window, @Nullable @QueryValue String bucket) {
        Duration span = window == null ? DEFAULT_WINDOW : EventFilter.parseDuration("window", window);
        Duration step = bucket == null ? ceilSeconds(span.dividedBy(DEFAULT_BUCKETS)) : EventFilter.parseDuration("bucket", bucket);
        return noStore(summaries.summarize(span, step));
    }

    /** The answer of the events endpoint; {@code dropped} counts events lost because the recorder's queue was full. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record EventList(List<Metadata.EventView> events, long dropped) {
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<Map<String, String>> badRequest(IllegalArgumentException e) {
        return HttpResponse.<Map<String, String>>badRequest(Map.of("error", e.getMessage())).header("Cache-Control", "no-store");
    }

    private static Duration ceilSeconds(Duration d) {
        return Duration.ofSeconds(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    private static <T> HttpResponse<T> noStore(T body) {
        return HttpResponse.ok(body).header("Cache-Control", "no-store");
    }
}
