package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.sidecar.metadata.Metadata.EventCount;
import io.ironclad.sidecar.metadata.Metadata.EventView;
import io.ironclad.sidecar.ops.events.EventFilter;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The consistency layer's events ({@code consistency_events}): recorded in batches, read back for the ops API, pruned by age. */
@Singleton
public final class Events {

    private static final int MAX_DETAIL = 2000;

    private final Transactions tx;

    Events(Transactions tx) {
        this.tx = tx;
    }

    public void insertEvents(List<ConsistencyEvent> events) {
        tx.transaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO consistency_events"
                    + " (kind, driver, operation, object_key, attempt, elapsed_ms, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            for (ConsistencyEvent e : events) {
                Statements.bind(batch, e.kind().name().toLowerCase(Locale.ROOT), e.driver(), e.operation(), e.key(), e.attempt(),
                        e.elapsed().toMillis(), truncate(e.detail()), e.at().toEpochMilli()).add();
            }
            return events.isEmpty() ? null : batch.execute();
        });
    }

    /** Deletes up to {@code batch} of the oldest events recorded before {@code cutoff}; returns how many. */
    public int deleteEventsBefore(Instant cutoff, int batch) {
        // a bounded batch keeps each transaction short on a table that may hold millions of rows
        return tx.durable(h -> update(h, "DELETE FROM consistency_events WHERE id IN"
                + " (SELECT id FROM consistency_events WHERE at < ? ORDER BY id LIMIT ?)", cutoff.toEpochMilli(), batch));
    }

    /** The most recent events that match {@code filter}, newest first. */
    public List<EventView> events(EventFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = conditions(filter.kinds(), filter.since(), filter.until(), args);
        return tx.transaction(h -> list(h, "SELECT id, kind, driver, operation, object_key, attempt, elapsed_ms, detail, at FROM consistency_events"
                        + where + " ORDER BY id DESC",
                (rs, ctx) -> new EventView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                        rs.getLong(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)).toString()), filter.limit(), args.toArray()));
    }

    /**
     * Event counts in {@code [from, to)} per time bucket of {@code bucket} length (bucket 0 starts
     * at {@code from}), kind and driver.
     */
    public List<EventCount> eventCounts(Instant from, Instant to, Duration bucket) {
        List<Object> args = new ArrayList<>(List.of(from.toEpochMilli(), bucket.toMillis()));
        String where = conditions(Set.of(), Optional.of(from), Optional.of(to), args);
        return tx.transaction(h -> list(h, "SELECT b, kind, driver, COUNT(*) FROM (SELECT (at - ?) / ? AS b, kind, driver FROM consistency_events"
                        + where + ") t GROUP BY b, kind, driver ORDER BY b, kind, driver",
                (rs, ctx) -> new EventCount(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4)), Integer.MAX_VALUE,
                args.toArray()));
    }

    private static String conditions(Set<String> kinds, Optional<Instant> since, Optional<Instant> until, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (!kinds.isEmpty()) {
            conditions.add("kind IN (" + Statements.marks(kinds.size()) + ")");
            args.addAll(new TreeSet<>(kinds));
        }
        since.ifPresent(t -> {
            conditions.add("at >= ?");
            args.add(t.toEpochMilli());
        });
        until.ifPresent(t -> {
            conditions.add("at < ?");
            args.add(t.toEpochMilli());
        });
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL);
    }
}
