package io.ironclad.sidecar.proxy;

import java.time.Duration;

/**
 * The upstream failed and the cache has nothing it may serve instead (not cached, or last
 * confirmed longer ago than the staleness period): answered 503, or 429 when the upstream said
 * so, with the upstream's Retry-After when it sent one. Never a 404.
 */
public final class UpstreamUnavailableException extends RuntimeException {

    private final boolean tooManyRequests;
    private final Duration retryAfter;

    UpstreamUnavailableException(String detail, boolean tooManyRequests, Duration retryAfter, UpstreamFailure cause) {
        super(detail, cause);
        this.tooManyRequests = tooManyRequests;
        this.retryAfter = retryAfter;
    }

    /** 429 rather than 503. */
    public boolean tooManyRequests() {
        return tooManyRequests;
    }

    /** Seconds for the Retry-After header (at least 1). */
    public long retryAfterSeconds() {
        return Math.max(1, retryAfter.toSeconds());
    }
}
