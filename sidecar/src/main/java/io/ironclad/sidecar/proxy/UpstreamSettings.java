package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * One name-prefixed upstream, {@code ironclad.proxy.upstreams.<name>.*}: repository
 * {@code <name>/<repo>} of this registry caches {@code <repo>} of {@code remoteUrl}.
 *
 * @param name the prefix (one path component)
 * @param remoteUrl the upstream registry, e.g. {@code https://registry-1.docker.io}
 * @param username with {@code password}: sent as Basic credentials, to the upstream or to its token endpoint
 * @param caFile PEM file of extra trusted CA certificates for the upstream
 * @param insecure trust any certificate and host name (tests only)
 */
@EachProperty("ironclad.proxy.upstreams")
public record UpstreamSettings(@Parameter String name, String remoteUrl, @Nullable String username, @Nullable String password,
        @Nullable String caFile, @Bindable(defaultValue = "false") boolean insecure) {

    public UpstreamSettings {
        requireNonNull(name, "name is null");
        requireNonNull(remoteUrl, "ironclad.proxy.upstreams." + name + ".remote-url is null");
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("upstream name must be one path component, got '" + name + "'");
        }
    }
}
