package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The notification outbox ({@code notification_events}, {@code notification_deliveries},
 * {@code notification_endpoints}): events, their pending deliveries per endpoint, and each
 * endpoint's backoff state. Every transaction here is safe to run again ({@link Transactions#retried}).
 */
@Singleton
public final class NotificationOutbox {

    /** A pending delivery: the event's id and its JSON. */
    public record Pending(long id, String event) {
    }

    /** An endpoint's state while it is locked for one delivery round. */
    public record EndpointState(int failures, long nextAttemptAt) {
    }

    /** One endpoint, its row locked for the round's transaction: what the round reads and records. */
    public static final class Round {
        private final Handle h;
        private final String endpoint;

        private Round(Handle h, String endpoint) {
            this.h = h;
            this.endpoint = endpoint;
        }

        public EndpointState state() {
            return one(h, "SELECT failures, next_attempt_at FROM notification_endpoints WHERE name = ?",
                    (rs, ctx) -> new EndpointState(rs.getInt(1), rs.getLong(2)), endpoint).orElseThrow();
        }

        /** The oldest pending events, in outbox order, at most {@code limit}. */
        public List<Pending> pending(int limit) {
            return list(h, "SELECT e.id, e.event FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                    + " WHERE d.endpoint = ? ORDER BY e.id", (rs, ctx) -> new Pending(rs.getLong(1), rs.getString(2)), limit, endpoint);
        }

        /** Deletes the deliveries (and events no other endpoint still waits for) and clears the backoff. */
        public void delivered(List<Pending> events) {
            for (Pending event : events) {
                update(h, "DELETE FROM notification_deliveries WHERE endpoint = ? AND event_id = ?", endpoint, event.id());
                if (one(h, "SELECT 1 FROM notification_deliveries WHERE event_id = ?", (rs, ctx) -> 1, event.id()).isEmpty()) {
                    update(h, "DELETE FROM notification_events WHERE id = ?", event.id());
                }
            }
            update(h, "UPDATE notification_endpoints SET failures = 0, next_attempt_at = 0 WHERE name = ?", endpoint);
        }

        /** Counts the attempt on each delivery and holds the endpoint back until {@code nextAttemptAt} (epoch millis). */
        public void failed(List<Pending> events, long nextAttemptAt) {
            for (Pending event : events) {
                update(h, "UPDATE notification_deliveries SET attempts = attempts + 1 WHERE endpoint = ? AND event_id = ?", endpoint,
                        event.id());
            }
            update(h, "UPDATE notification_endpoints SET failures = failures + 1, next_attempt_at = ? WHERE name = ?", nextAttemptAt,
                    endpoint);
        }
    }

    private final Transactions tx;

    NotificationOutbox(Transactions tx) {
        this.tx = tx;
    }

    /** Makes sure the endpoint has its row, the lock that serialises deliveries across replicas. */
    public void ensureEndpoint(String name) {
        tx.retried(h -> {
            if (one(h, "SELECT 1 FROM notification_endpoints WHERE name = ?", (rs, ctx) -> 1, name).isEmpty()) {
                update(h, "INSERT INTO notification_endpoints (name) VALUES (?)", name);
            }
            return null;
        });
    }

    /** Stores one event and a delivery for each of {@code endpoints}, durably, in one transaction. */
    public void enqueue(String repository, String event, List<String> endpoints, long now) {
        tx.retried(h -> {
            long id = Statements.insertReturningId(h, "INSERT INTO notification_events (repository, event, created_at) VALUES (?, ?, ?)",
                    repository, event, now);
            for (String endpoint : endpoints) {
                update(h, "INSERT INTO notification_deliveries (endpoint, event_id) VALUES (?, ?)", endpoint, id);
            }
            return null;
        });
    }

    /**
     * Runs {@code round} with the endpoint's row locked (FOR UPDATE): another replica delivering
     * to the same endpoint waits, so each event goes out once and in order.
     */
    public <T> T withEndpointLocked(String endpoint, Function<Round, T> round) {
        return tx.retried(h -> {
            one(h, "SELECT name FROM notification_endpoints WHERE name = ? FOR UPDATE", (rs, ctx) -> 1, endpoint).orElseThrow();
            return round.apply(new Round(h, endpoint));
        });
    }

    /** Deliveries waiting for {@code endpoint}. */
    public long backlog(String endpoint) {
        return tx.retried(h -> one(h, "SELECT COUNT(*) FROM notification_deliveries WHERE endpoint = ?", (rs, ctx) -> rs.getLong(1),
                endpoint).orElse(0L));
    }
}
