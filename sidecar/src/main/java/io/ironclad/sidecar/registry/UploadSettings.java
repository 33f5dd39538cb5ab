package io.ironclad.sidecar.registry;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.uploads.*} settings.
 *
 * @param autoMount a {@code POST ?mount=<digest>} without {@code from} links the blob from a
 *     repository that holds it and the caller may pull from (201) instead of starting an upload
 * @param maxAge upload sessions idle for longer are cancelled with their parts by the reaper
 * @param reapInterval how often the upload reaper runs
 * @param initialDelay how long after start the reaper first runs
 */
@ConfigurationProperties("ironclad.uploads")
public record UploadSettings(
        @Bindable(defaultValue = "true") boolean autoMount,
        @Bindable(defaultValue = "24h") Duration maxAge,
        @Bindable(defaultValue = "10m") Duration reapInterval,
        @Bindable(defaultValue = "1m") Duration initialDelay) {
}
