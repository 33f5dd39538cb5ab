package io.ironclad.sidecar;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;

/** Operator endpoints: the recent consistency events the store reported. */
@Controller("/ops")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OpsController {

    private final Metadata metadata;
    private final DbEventListener events;

    OpsController(Metadata metadata, DbEventListener events) {
        this.metadata = metadata;
        this.events = events;
    }

    @Get("/consistency/events")
    Map<String, Object> events(@Nullable @QueryValue Integer limit) {
        events.flush();
        List<Metadata.EventView> recent = metadata.recentEvents(limit == null ? 100 : Math.min(limit, 10_000));
        return Map.of("events", recent, "dropped", events.dropped());
    }
}
