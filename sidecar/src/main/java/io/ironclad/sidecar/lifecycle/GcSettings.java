package io.ironclad.sidecar.lifecycle;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Optional;

/**
 * The reachability collector's {@code ironclad.gc.*} settings.
 *
 * @param gracePeriod how long a blob link stays after its last push or mount although no manifest
 *     references it (a client pushes layers before the manifest that names them); the same setting
 *     the blob collector uses for unlinked blobs
 * @param untaggedGracePeriod when set, manifests that nothing keeps (no tag, no index naming them,
 *     no stored subject) are deleted this long after their last PUT; unset (the default) keeps
 *     them, as distribution does without {@code --delete-untagged}
 * @param interval how often the blob collector runs
 * @param initialDelay how long after start it first runs
 * @param intentExpiry a push's write intent (or a collector's orphan claim) older than this was left by
 *     a process that died; until then it keeps the blob's bytes (an orphan of that push) from collection
 * @param pushWait how long a push of a blob waits while a collector (on any replica) is deleting that
 *     blob's bytes, before 503
 */
@ConfigurationProperties("ironclad.gc")
public record GcSettings(
        @Bindable(defaultValue = "24h") Duration gracePeriod,
        @Nullable Duration untaggedGracePeriod,
        @Bindable(defaultValue = "1h") Duration interval,
        @Bindable(defaultValue = "5m") Duration initialDelay,
        @Bindable(defaultValue = "1h") Duration intentExpiry,
        @Bindable(defaultValue = "30s") Duration pushWait) {

    public Optional<Duration> untagged() {
        return Optional.ofNullable(untaggedGracePeriod);
    }
}
