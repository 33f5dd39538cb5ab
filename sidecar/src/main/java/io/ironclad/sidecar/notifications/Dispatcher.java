package io.ironclad.sidecar.notifications;

import io.ironclad.sidecar.metadata.NotificationOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to each endpoint on every replica, every {@code ironclad.notifications.interval}:
 * with the endpoint's row locked (so one replica at a time), the oldest pending events in outbox
 * order go out as one envelope ({@code application/vnd.docker.distribution.events.v1+json}, at
 * most {@code batch} events); a 2xx deletes their deliveries, anything else (or no answer within
 * {@code timeout}) keeps them and holds the endpoint back for {@code backoff}. An endpoint thus
 * receives every event once and in order while it answers 2xx, and after an outage or a restart
 * it receives what it missed, from where it stopped. Metrics per endpoint:
 * {@code ironclad.notifications.events{endpoint,outcome=delivered|failed}} and the backlog gauge
 * {@code ironclad.notifications.pending{endpoint}}.
 */
@Context
final class Dispatcher {

    static final String MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Envelopes one round sends to an endpoint before it lets the next round (and the other endpoints) go. */
    private static final int ENVELOPES_PER_ROUND = 20;

    private final Outbox outbox;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final MeterRegistry meters;
    private final List<ScheduledFuture<?>> scheduled;

    Dispatcher(Outbox outbox, List<EndpointSettings> endpoints, Clock clock, MeterRegistry meters,
            @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler,
            DispatchSettings settings) {
        Duration interval = settings.interval();
        this.outbox = outbox;
        this.clock = clock;
        this.meters = meters;
        List<ScheduledFuture<?>> futures = new java.util.ArrayList<>();
        for (EndpointSettings endpoint : endpoints) {
            AtomicLong backlog = new AtomicLong();
            Gauge.builder("ironclad.notifications.pending", backlog, AtomicLong::get).tag("endpoint", endpoint.name())
                    .description("events waiting for delivery to the endpoint").register(meters);
            futures.add(scheduler.scheduleWithFixedDelay(interval, interval, () -> deliverSafely(endpoint, backlog)));
        }
        this.scheduled = List.copyOf(futures);
    }

    @PreDestroy
    void stop() {
        scheduled.forEach(f -> f.cancel(false));
    }

    private void deliverSafely(EndpointSettings endpoint, AtomicLong backlog) {
        try {
            for (int i = 0; i < ENVELOPES_PER_ROUND && deliverOnce(endpoint); i++) {
                // keep going while envelopes are acknowledged
            }
            backlog.set(outbox.backlog(endpoint.name()));
        } catch (RuntimeException e) {
            // an exception escaping a fixed-delay task would end its schedule for good
            LOG.warn("notification delivery to {} failed: {}", endpoint.name(), e.getMessage());
        }
    }

    /** One envelope to {@code endpoint}; true if one was delivered (there may be more). */
    boolean deliverOnce(EndpointSettings endpoint) {
        return outbox.withEndpointLocked(endpoint.name(), round -> {
            long now = clock.millis();
            if (round.state().nextAttemptAt() > now) {
                return false;
            }
            List<NotificationOutbox.Pending> events = round.pending(endpoint.batch());
            if (events.isEmpty()) {
                return false;
            }
            if (post(endpoint, events)) {
                round.delivered(events);
                counter(endpoint, "delivered").increment(events.size());
                return true;
            }
            round.failed(events, clock.millis() + endpoint.backoff().toMillis());
            counter(endpoint, "failed").increment(events.size());
            return false;
        });
    }

    private boolean post(EndpointSettings endpoint, List<NotificationOutbox.Pending> events) {
        StringBuilder envelope = new StringBuilder("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            envelope.append(i == 0 ? "" : ",").append(events.get(i).event());
        }
        envelope.append("]}");
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url()).timeout(endpoint.timeout())
                .header("Content-Type", MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(envelope.toString(), StandardCharsets.UTF_8));
        endpoint.headers().forEach(request::header);
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return true;
            }
            LOG.warn("notification endpoint {} answered {}; retrying {} events after {}", endpoint.name(), status, events.size(),
                    endpoint.backoff());
        } catch (IOException e) {
            LOG.warn("notification endpoint {} unreachable ({}); retrying {} events after {}", endpoint.name(), e.toString(),
                    events.size(), endpoint.backoff());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private Counter counter(EndpointSettings endpoint, String outcome) {
        return Counter.builder("ironclad.notifications.events").tag("endpoint", endpoint.name()).tag("outcome", outcome)
                .description("events delivered to (or failed at) a notification endpoint").register(meters);
    }
}
