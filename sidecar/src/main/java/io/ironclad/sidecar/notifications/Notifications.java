package io.ironclad.sidecar.notifications;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.sidecar.auth.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records registry events for the configured webhook endpoints in the durable outbox
 * ({@link Outbox}), as distribution's notification events: {@code id}, {@code timestamp},
 * {@code action}, {@code target}, {@code request}, {@code actor}, {@code source}. Called after the
 * change it reports is committed and before the client is answered, so a client that saw its
 * answer has its event stored; an event that cannot be stored is logged, never failing the
 * request that caused it. With no endpoint configured nothing is stored.
 */
@Singleton
public final class Notifications {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final int MAX_FIELD = 512;

    private final Outbox outbox;
    private final List<EndpointSettings> endpoints;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId = UUID.randomUUID().toString();
    private final String sourceAddress = hostName();

    Notifications(Outbox outbox, List<EndpointSettings> endpoints, ObjectMapper json, Clock clock) {
        this.outbox = outbox;
        this.endpoints = List.copyOf(endpoints);
        this.json = json;
        this.clock = clock;
    }

    /** Records {@code action} on {@code target}, caused by {@code request} (null for an operator command). */
    public void record(@Nullable HttpRequest<?> request, Action action, Target target) {
        List<String> takers = endpoints.stream().filter(e -> e.accepts(action.wireName(), target.mediaType()))
                .map(EndpointSettings::name).toList();
        if (takers.isEmpty()) {
            return;
        }
        try {
            outbox.enqueue(target.repository(), json.writeValueAsString(event(request, action, target)), takers, clock.millis());
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.error("could not store the {} notification for {}: {}", action.wireName(), target.repository(), e.getMessage());
        }
    }

    /** A repository deleted through the admin API or the CLI. */
    public void repositoryDeleted(String repository) {
        record(null, Action.DELETE, Target.repository(repository));
    }

    private ObjectNode event(@Nullable HttpRequest<?> request, Action action, Target target) {
        ObjectNode event = json.createObjectNode();
        event.put("id", UUID.randomUUID().toString());
        event.put("timestamp", clock.instant().toString());
        event.put("action", action.wireName());
        ObjectNode t = event.putObject("target");
        if (!target.mediaType().isEmpty()) {
            t.put("mediaType", target.mediaType());
        }
        target.digest().ifPresent(d -> {
            t.put("digest", d.toString());
            t.put("size", target.size());
            t.put("length", target.size());
        });
        t.put("repository", target.repository());
        target.fromRepository().ifPresent(from -> t.put("fromRepository", from));
        if (request != null && !target.kind().isEmpty()) {
            String reference = target.digest().map(Object::toString).orElse(target.tag().orElse(""));
            t.put("url", base(request) + "/v2/" + target.repository() + "/" + target.kind() + "/" + reference);
        }
        target.tag().ifPresent(tag -> t.put("tag", tag));
        ObjectNode r = event.putObject("request");
        ObjectNode actor = event.putObject("actor");
        if (request != null) {
            r.put("id", clip(request.getHeaders().get("X-Request-Id", String.class).orElse(UUID.randomUUID().toString())));
            r.put("addr", clip(request.getRemoteAddress().getAddress().getHostAddress() + ":" + request.getRemoteAddress().getPort()));
            r.put("host", clip(request.getHeaders().get(HttpHeaders.HOST, String.class).orElse("")));
            r.put("method", request.getMethodName());
            r.put("useragent", clip(request.getHeaders().get(HttpHeaders.USER_AGENT, String.class).orElse("")));
            request.getAttribute(Caller.NAME_ATTRIBUTE, String.class).ifPresent(name -> actor.put("name", clip(name)));
        }
        ObjectNode source = event.putObject("source");
        source.put("addr", sourceAddress);
        source.put("instanceID", instanceId);
        return event;
    }

    private static String base(HttpRequest<?> request) {
        String host = request.getHeaders().get(HttpHeaders.HOST, String.class).orElse("localhost");
        return (request.isSecure() ? "https://" : "http://") + clip(host);
    }

    private static String clip(String value) {
        return value.length() <= MAX_FIELD ? value : value.substring(0, MAX_FIELD);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
