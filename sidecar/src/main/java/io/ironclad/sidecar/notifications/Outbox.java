package io.ironclad.sidecar.notifications;

import io.ironclad.sidecar.metadata.NotificationOutbox;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.Function;

/** The notification outbox of the configured endpoints; its SQL is {@link NotificationOutbox}'s. */
@Singleton
final class Outbox {

    private final NotificationOutbox rows;

    /** Makes sure each endpoint has its row (the lock that serialises deliveries across replicas) before anything uses it. */
    Outbox(NotificationOutbox rows, List<EndpointSettings> endpoints) {
        this.rows = rows;
        endpoints.forEach(endpoint -> rows.ensureEndpoint(endpoint.name()));
    }

    /** Stores one event and a delivery for each of {@code endpoints}, durably, in one transaction. */
    void enqueue(String repository, String event, List<String> endpoints, long now) {
        rows.enqueue(repository, event, endpoints, now);
    }

    /** Runs {@code round} with the endpoint's row locked: see {@link NotificationOutbox#withEndpointLocked}. */
    <T> T withEndpointLocked(String endpoint, Function<NotificationOutbox.Round, T> round) {
        return rows.withEndpointLocked(endpoint, round);
    }

    /** Deliveries waiting for {@code endpoint}. */
    long backlog(String endpoint) {
        return rows.backlog(endpoint);
    }
}
