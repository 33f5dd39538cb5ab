package io.ironclad.sidecar.jobs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.events.*} settings: how long consistency events are kept.
 *
 * @param retention events older than this are deleted by the replica leading the event pruner
 * @param pruneInterval how often the pruner runs
 * @param initialDelay how long after start it first runs
 */
@ConfigurationProperties("ironclad.events")
record EventSettings(
        @Bindable(defaultValue = "14d") Duration retention,
        @Bindable(defaultValue = "1h") Duration pruneInterval,
        @Bindable(defaultValue = "10m") Duration initialDelay) {
}
