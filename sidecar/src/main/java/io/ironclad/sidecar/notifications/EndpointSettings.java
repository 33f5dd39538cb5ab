package io.ironclad.sidecar.notifications;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One webhook endpoint, {@code ironclad.notifications.endpoints.<name>.*}, as distribution's
 * {@code notifications.endpoints[]} configures it.
 *
 * @param name the key under {@code endpoints} (also the metrics tag)
 * @param url where envelopes are POSTed
 * @param headers sent with every request (e.g. {@code Authorization})
 * @param timeout for one request, connection included
 * @param backoff how long to wait after a failed delivery before the next attempt
 * @param ignoredMediaTypes events whose target has one of these media types are not sent here
 * @param ignoredActions events with one of these actions ({@code push}, {@code pull}, {@code mount}, {@code delete}) are not sent here
 * @param batch the most events one envelope carries
 */
@EachProperty("ironclad.notifications.endpoints")
public record EndpointSettings(@Parameter String name, URI url, @Bindable(defaultValue = "") Map<String, String> headers,
        @Bindable(defaultValue = "5s") Duration timeout, @Bindable(defaultValue = "1s") Duration backoff,
        @Bindable(defaultValue = "") List<String> ignoredMediaTypes, @Bindable(defaultValue = "") List<String> ignoredActions,
        @Bindable(defaultValue = "50") int batch) {

    public EndpointSettings {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        ignoredMediaTypes = ignoredMediaTypes == null ? List.of() : List.copyOf(ignoredMediaTypes);
        ignoredActions = ignoredActions == null ? List.of() : List.copyOf(ignoredActions);
        if (url == null) {
            throw new IllegalArgumentException("ironclad.notifications.endpoints." + name + ".url is not set");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("ironclad.notifications.endpoints." + name + ".batch must be at least 1");
        }
    }

    /** Whether this endpoint takes an event with {@code action} on a target of {@code mediaType} (may be empty). */
    boolean accepts(String action, String mediaType) {
        return !ignoredActions.contains(action) && (mediaType.isEmpty() || !ignoredMediaTypes.contains(mediaType));
    }
}
