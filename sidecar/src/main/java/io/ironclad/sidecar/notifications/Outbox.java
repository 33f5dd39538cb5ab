package io.ironclad.sidecar.notifications;

import static io.ironclad.sidecar.lifecycle.Sql.execute;
import static io.ironclad.sidecar.lifecycle.Sql.one;
import static io.ironclad.sidecar.lifecycle.Sql.query;

import io.ironclad.sidecar.lifecycle.Sql;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** The notification outbox's SQL: events, their pending deliveries per endpoint, and each endpoint's backoff state. */
@Singleton
final class Outbox {

    /** A pending delivery: the event's id and its JSON. */
    record Pending(long id, String event) {
    }

    /** An endpoint's state while it is locked for one delivery round. */
    record EndpointState(int failures, long nextAttemptAt) {
    }

    private final Sql sql;

    /** Makes sure each endpoint has its row (the lock that serialises deliveries across replicas) before anything uses it. */
    Outbox(DataSource dataSource, List<EndpointSettings> endpoints) {
        this.sql = new Sql(dataSource);
        for (EndpointSettings endpoint : endpoints) {
            String name = endpoint.name();
            sql.transaction(c -> {
                if (one(c, "SELECT 1 FROM notification_endpoints WHERE name = ?", rs -> 1, name).isEmpty()) {
                    execute(c, "INSERT INTO notification_endpoints (name) VALUES (?)", name);
                }
                return null;
            });
        }
    }

    /** Stores one event and a delivery for each of {@code endpoints}, durably, in one transaction. */
    void enqueue(String repository, String event, List<String> endpoints, long now) {
        sql.transaction(c -> {
            long id = Sql.insertReturningId(c, "INSERT INTO notification_events (repository, event, created_at) VALUES (?, ?, ?)",
                    repository, event, now);
            for (String endpoint : endpoints) {
                execute(c, "INSERT INTO notification_deliveries (endpoint, event_id) VALUES (?, ?)", endpoint, id);
            }
            return null;
        });
    }

    /**
     * Runs {@code round} with the endpoint's row locked (FOR UPDATE): another replica delivering
     * to the same endpoint waits, so each event goes out once and in order.
     */
    <T> T withEndpointLocked(String endpoint, Sql.Work<T> round) {
        return sql.transaction(c -> {
            one(c, "SELECT name FROM notification_endpoints WHERE name = ? FOR UPDATE", rs -> 1, endpoint).orElseThrow();
            return round.run(c);
        });
    }

    static EndpointState state(Connection c, String endpoint) throws SQLException {
        return one(c, "SELECT failures, next_attempt_at FROM notification_endpoints WHERE name = ?",
                rs -> new EndpointState(rs.getInt(1), rs.getLong(2)), endpoint).orElseThrow();
    }

    static List<Pending> pending(Connection c, String endpoint, int limit) throws SQLException {
        return query(c, "SELECT e.id, e.event FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                + " WHERE d.endpoint = ? ORDER BY e.id", rs -> new Pending(rs.getLong(1), rs.getString(2)), limit, endpoint);
    }

    static void delivered(Connection c, String endpoint, List<Pending> events) throws SQLException {
        for (Pending event : events) {
            execute(c, "DELETE FROM notification_deliveries WHERE endpoint = ? AND event_id = ?", endpoint, event.id());
            if (one(c, "SELECT 1 FROM notification_deliveries WHERE event_id = ?", rs -> 1, event.id()).isEmpty()) {
                execute(c, "DELETE FROM notification_events WHERE id = ?", event.id());
            }
        }
        execute(c, "UPDATE notification_endpoints SET failures = 0, next_attempt_at = 0 WHERE name = ?", endpoint);
    }

    static void failed(Connection c, String endpoint, List<Pending> events, long nextAttemptAt) throws SQLException {
        for (Pending event : events) {
            execute(c, "UPDATE notification_deliveries SET attempts = attempts + 1 WHERE endpoint = ? AND event_id = ?", endpoint,
                    event.id());
        }
        execute(c, "UPDATE notification_endpoints SET failures = failures + 1, next_attempt_at = ? WHERE name = ?", nextAttemptAt,
                endpoint);
    }

    /** Deliveries waiting for {@code endpoint}. */
    long backlog(String endpoint) {
        return sql.transaction(c -> one(c, "SELECT COUNT(*) FROM notification_deliveries WHERE endpoint = ?", rs -> rs.getLong(1),
                endpoint).orElse(0L));
    }
}
