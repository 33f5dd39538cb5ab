package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Which repositories of this registry are caches of which upstream. A name-prefixed upstream
 * {@code <name>} caches {@code <name>/<repo>} as its {@code <repo>}; the mirror upstream (mirror
 * mode) caches every other repository under the same name; without one, those are local.
 */
final class Upstreams {

    /** A cached repository: the upstream and the repository's name there. */
    record Route(UpstreamClient upstream, String remoteRepository) {
        Route {
            requireNonNull(upstream, "upstream is null");
            requireNonNull(remoteRepository, "remoteRepository is null");
        }
    }

    private final List<UpstreamClient> prefixed;
    private final Optional<UpstreamClient> mirror;

    Upstreams(List<UpstreamClient> prefixed, Optional<UpstreamClient> mirror) {
        this.prefixed = List.copyOf(prefixed);
        this.mirror = requireNonNull(mirror, "mirror is null");
    }

    Optional<Route> route(String repository) {
        int slash = repository.indexOf('/');
        if (slash > 0) {
            String prefix = repository.substring(0, slash);
            for (UpstreamClient upstream : prefixed) {
                if (upstream.name().equals(prefix)) {
                    return Optional.of(new Route(upstream, repository.substring(slash + 1)));
                }
            }
        }
        return mirror.map(m -> new Route(m, repository));
    }

    List<UpstreamClient> all() {
        return mirror.isPresent() ? java.util.stream.Stream.concat(prefixed.stream(), mirror.stream()).toList() : prefixed;
    }

    boolean any() {
        return mirror.isPresent() || !prefixed.isEmpty();
    }
}
