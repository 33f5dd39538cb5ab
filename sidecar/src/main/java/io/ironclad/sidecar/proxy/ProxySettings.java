package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.proxy.*} settings. A non-empty
 * {@code remoteUrl} is mirror mode: every repository of this registry is a pull-through cache of
 * that one upstream, with {@code username}/{@code password}/{@code caFile}/{@code insecure} as its
 * credentials and TLS. Name-prefixed upstreams are {@link UpstreamSettings}; the timing settings
 * here apply to all upstreams.
 *
 * @param tagTtl how long a cached tag is trusted without asking the upstream
 * @param stalenessPeriod how long after the upstream last confirmed it a cached tag is still served while the upstream fails
 * @param serveDeletedTags whether a tag the upstream answers 404 for is still served (within the staleness period)
 * @param connectTimeout upstream connection timeout
 * @param requestTimeout time until the upstream's response headers
 * @param maxBytes the cache size bound: least recently used cached images are evicted by the collector past it (0: none)
 * @param idleTimeout longest wait for the next byte of an upstream body (0: none); a stalled body fails and is not cached
 */
@ConfigurationProperties("ironclad.proxy")
public record ProxySettings(
        @Nullable @Bindable(defaultValue = "") String remoteUrl,
        @Nullable @Bindable(defaultValue = "") String username,
        @Nullable @Bindable(defaultValue = "") String password,
        @Nullable @Bindable(defaultValue = "") String caFile,
        @Bindable(defaultValue = "false") boolean insecure,
        @Bindable(defaultValue = "5m") Duration tagTtl,
        @Bindable(defaultValue = "24h") Duration stalenessPeriod,
        @Bindable(defaultValue = "false") boolean serveDeletedTags,
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "30s") Duration requestTimeout,
        @Bindable(defaultValue = "30s") Duration idleTimeout,
        @Bindable(defaultValue = "0") long maxBytes) {

    public ProxySettings {
        // an unset or empty value reads as empty, as when application.yml gave "" for these
        remoteUrl = remoteUrl == null ? "" : remoteUrl;
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        caFile = caFile == null ? "" : caFile;
        requireNonNull(tagTtl, "ironclad.proxy.tag-ttl is null");
        requireNonNull(stalenessPeriod, "ironclad.proxy.staleness-period is null");
        requireNonNull(connectTimeout, "ironclad.proxy.connect-timeout is null");
        requireNonNull(requestTimeout, "ironclad.proxy.request-timeout is null");
        requireNonNull(idleTimeout, "ironclad.proxy.idle-timeout is null");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("ironclad.proxy.max-bytes must not be negative");
        }
        if (tagTtl.isNegative() || stalenessPeriod.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("ironclad.proxy.tag-ttl, staleness-period and idle-timeout must not be negative");
        }
    }

    /** The mirror-mode upstream, if {@code remote-url} is set. */
    @Nullable
    UpstreamSettings mirror() {
        return remoteUrl == null || remoteUrl.isBlank() ? null
                : new UpstreamSettings("mirror", remoteUrl, username, password, caFile, insecure);
    }
}
