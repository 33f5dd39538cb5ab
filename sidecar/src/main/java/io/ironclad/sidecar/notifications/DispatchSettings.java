package io.ironclad.sidecar.notifications;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.notifications.*} settings besides the endpoints ({@link EndpointSettings}).
 *
 * @param interval how often each replica delivers pending webhook events
 */
@ConfigurationProperties("ironclad.notifications")
record DispatchSettings(@Bindable(defaultValue = "1s") Duration interval) {
}
