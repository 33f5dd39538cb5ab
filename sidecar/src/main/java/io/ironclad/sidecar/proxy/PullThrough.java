package io.ironclad.sidecar.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.DataDirectory;
import io.ironclad.sidecar.metadata.ProxyImages;
import io.ironclad.sidecar.metadata.ProxyTags;
import io.ironclad.sidecar.metadata.ProxyTags.TagState;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The pull-through cache. Before the registry answers a read of a cached repository, the cache
 * makes the registry's own state the right answer: it fetches what is missing (immutable content,
 * once, verified), re-checks a tag whose {@code tag-ttl} has passed, and, when the upstream fails,
 * leaves what was confirmed within the {@code staleness-period} in place to be served, or throws
 * {@link UpstreamUnavailableException}. What it leaves absent (the upstream's 404) the registry
 * answers as 404. Local repositories (no upstream route) are not touched.
 */
@Singleton
public final class PullThrough {

    private final Upstreams upstreams;
    private final LocalCache local;
    private final ProxyTags tags;
    private final ProxySettings settings;
    private final ProxyMetrics metrics;
    private final BlobFetcher blobs;
    private final ProxyImages images;
    private final ObjectMapper json;
    private final Clock clock;

    PullThrough(Upstreams upstreams, LocalCache local, ProxyTags tags, ProxyImages images, ProxySettings settings, ProxyMetrics metrics,
            ProxyClock clock, ObjectMapper json, DataDirectory data) {
        this.images = images;
        this.json = json;
        this.upstreams = upstreams;
        this.local = local;
        this.tags = tags;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock.clock();
        this.blobs = new BlobFetcher(local, metrics, data.path().resolve("proxy-spool"));
    }

    /** The upstream {@code repository} caches, if it is a cached repository (pushes to it are refused). */
    public Optional<String> upstreamOf(String repository) {
        return upstreams.route(repository).map(r -> r.upstream().name() + " (" + r.upstream().url() + ")");
    }

    /** Prepares a manifest read by tag or digest. */
    public void beforeManifest(String repository, String reference, boolean byDigest) {
        Optional<Upstreams.Route> route = upstreams.route(repository);
        if (route.isEmpty()) {
            return;
        }
        if (byDigest) {
            Digest digest;
            try {
                digest = Digest.parse(reference);
            } catch (IllegalArgumentException e) {
                return; // names no manifest: the registry answers 404 MANIFEST_UNKNOWN
            }
            manifestByDigest(repository, digest, route.get());
            images.used(repository, digest, clock.instant());
        } else {
            tag(repository, reference, route.get());
            local.tag(repository, reference).ifPresent(digest -> images.used(repository, digest, clock.instant()));
        }
    }

    /** Prepares a blob read: fetches the blob once if it is not cached, and returns when it is stored. */
    public void beforeBlob(String repository, Digest digest) {
        Optional<Upstreams.Route> route = upstreams.route(repository);
        if (route.isEmpty() || local.hasBlob(repository, digest) || local.linkIfStored(repository, digest)) {
            return;
        }
        try {
            blobs.fetch(repository, digest, route.get());
        } catch (UpstreamFailure f) {
            throw unavailable(f, repository + "@" + digest + " is not cached");
        }
    }

    /**
     * A blob read that need not wait for the fetch: an uncached blob of a cached repository as it
     * arrives from the upstream ({@link LiveBlob}), shared by every request waiting on the one fetch.
     * Empty when the registry's store answers (cached, local repository, stored meanwhile, or absent
     * upstream).
     */
    public Optional<LiveBlob> liveBlob(String repository, Digest digest) {
        Optional<Upstreams.Route> route = upstreams.route(repository);
        if (route.isEmpty() || local.hasBlob(repository, digest) || local.linkIfStored(repository, digest)) {
            return Optional.empty();
        }
        try {
            return blobs.stream(repository, digest, route.get());
        } catch (UpstreamFailure f) {
            throw unavailable(f, repository + "@" + digest + " is not cached");
        }
    }

    private void manifestByDigest(String repository, Digest digest, Upstreams.Route route) {
        if (local.hasManifest(repository, digest)) {
            return;
        }
        try {
            fetchManifest(repository, digest, route);
            metrics.succeeded(route.upstream().name());
        } catch (UpstreamFailure f) {
            metrics.failed(f, repository + "@" + digest);
            throw unavailable(f, repository + "@" + digest + " is not cached");
        }
    }

    /** Stores the manifest {@code digest} from upstream; false when the upstream has none. */
    private boolean fetchManifest(String repository, Digest digest, Upstreams.Route route) throws UpstreamFailure {
        Optional<UpstreamClient.FetchedManifest> fetched = route.upstream().fetchManifest(route.remoteRepository(), digest.toString());
        if (fetched.isEmpty()) {
            return false;
        }
        metrics.received(route.upstream().name(), fetched.get().body().length);
        local.storeManifest(repository, digest, fetched.get().mediaType(), fetched.get().body());
        images.stored(repository, digest, ImageBytes.of(json, fetched.get().body()), clock.instant());
        return true;
    }

    private void tag(String repository, String tag, Upstreams.Route route) {
        String key = repository + ":" + tag;
        Instant now = clock.instant();
        Optional<TagState> cached = tags.find(repository, tag).filter(s -> local.tag(repository, tag).equals(Optional.of(s.digest())));
        if (cached.isPresent() && age(cached.get(), now).compareTo(settings.tagTtl()) < 0) {
            return; // trusted for tag-ttl without asking
        }
        String upstream = route.upstream().name();
        try {
            Optional<Digest> current = route.upstream().resolveTag(route.remoteRepository(), tag, cached.map(TagState::digest));
            metrics.succeeded(upstream);
            if (current.isEmpty()) {
                deletedUpstream(repository, tag, cached, now);
                return;
            }
            Digest digest = current.get();
            if (!local.hasManifest(repository, digest) && !fetchManifest(repository, digest, route)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, upstream, "tag " + tag + " names " + digest
                        + ", which the upstream does not serve");
            }
            local.putTag(repository, tag, digest);
            tags.confirm(new TagState(repository, tag, upstream, digest, now));
            metrics.refreshed(upstream, key, cached.isEmpty() ? "new" : cached.get().digest().equals(digest) ? "unchanged" : "updated");
        } catch (UpstreamFailure f) {
            metrics.failed(f, key);
            if (cached.isPresent() && age(cached.get(), now).compareTo(settings.stalenessPeriod()) <= 0) {
                metrics.servedStale(upstream, key, age(cached.get(), now), f);
                return; // the cached tag stays in place and is served
            }
            throw unavailable(f, cached.isPresent()
                    ? key + " was last confirmed " + age(cached.get(), now).toSeconds() + " s ago, longer than the staleness period "
                            + settings.stalenessPeriod().toSeconds() + " s"
                    : key + " is not cached");
        }
    }

    /** The upstream answered 404 for the tag: it was deleted there. */
    private void deletedUpstream(String repository, String tag, Optional<TagState> cached, Instant now) {
        if (cached.isEmpty()) {
            return; // never cached: the registry answers 404
        }
        if (settings.serveDeletedTags() && age(cached.get(), now).compareTo(settings.stalenessPeriod()) <= 0) {
            metrics.refreshed(cached.get().upstream(), repository + ":" + tag, "deleted-kept");
            return;
        }
        local.deleteTag(repository, tag);
        tags.delete(repository, tag);
        metrics.refreshed(cached.get().upstream(), repository + ":" + tag, "deleted");
    }

    private static Duration age(TagState state, Instant now) {
        Duration age = Duration.between(state.confirmed(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static UpstreamUnavailableException unavailable(UpstreamFailure f, String what) {
        boolean tooMany = f.kind() == UpstreamFailure.Kind.TOO_MANY_REQUESTS;
        return new UpstreamUnavailableException(what + " and the upstream failed: " + f.getMessage(), tooMany,
                f.retryAfter().orElse(Duration.ofSeconds(1)), f);
    }
}
