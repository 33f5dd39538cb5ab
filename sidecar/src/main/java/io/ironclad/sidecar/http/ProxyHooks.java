package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.proxy.LiveBlob;
import io.ironclad.sidecar.proxy.PullThrough;
import io.ironclad.sidecar.proxy.UpstreamUnavailableException;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Where the controller calls the pull-through cache ({@link PullThrough}): before a read of a
 * cached repository, and to refuse a push into one. Turns the cache's refusals into the
 * registry's error answers (503 UNAVAILABLE or 429 TOOMANYREQUESTS with Retry-After).
 */
@Singleton
final class ProxyHooks {

    private final PullThrough pullThrough;

    ProxyHooks(PullThrough pullThrough) {
        this.pullThrough = pullThrough;
    }

    void beforeManifest(RegistryPath.Manifest manifest) {
        guard(() -> pullThrough.beforeManifest(manifest.name(), manifest.reference(), manifest.byDigest()));
    }

    void beforeBlob(RegistryPath.Blob blob) {
        guard(() -> pullThrough.beforeBlob(blob.name(), blob.digest()));
    }

    /** An uncached blob of a cached repository as it arrives from the upstream; empty when the store answers. */
    Optional<LiveBlob> liveBlob(RegistryPath.Blob blob) {
        try {
            return pullThrough.liveBlob(blob.name(), blob.digest());
        } catch (UpstreamUnavailableException e) {
            throw refusal(e);
        }
    }

    /** A cached repository takes no pushes or deletes: its content is the upstream's. */
    void refuseWrite(String repository) {
        pullThrough.upstreamOf(repository).ifPresent(upstream -> {
            throw new RegistryException(ErrorCode.UNSUPPORTED, repository + " is a pull-through cache of " + upstream
                    + "; push to a local repository");
        });
    }

    private static void guard(Runnable step) {
        try {
            step.run();
        } catch (UpstreamUnavailableException e) {
            throw refusal(e);
        }
    }

    private static RegistryException refusal(UpstreamUnavailableException e) {
        return new RegistryException(e.tooManyRequests() ? ErrorCode.TOO_MANY_REQUESTS : ErrorCode.UNAVAILABLE, e.getMessage(),
                new RegistryException.RetryAfter(e.retryAfterSeconds()));
    }
}
