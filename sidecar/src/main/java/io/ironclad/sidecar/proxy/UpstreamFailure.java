package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The upstream could not give an answer: the failures during which a cache serves what it has
 * verified (within the staleness period) and otherwise passes on as 503 or 429, never as 404.
 * An upstream 404 is an answer, not a failure.
 */
public final class UpstreamFailure extends Exception {

    /** What went wrong, as the {@code kind} tag of {@code ironclad.proxy.upstream.errors}. */
    public enum Kind {
        /** refused, reset or closed without an answer */
        CONNECTION,
        /** the upstream host name does not resolve */
        DNS,
        TLS,
        TIMEOUT,
        /** 5xx */
        SERVER_ERROR,
        /** 429, with the upstream's Retry-After when it sent one */
        TOO_MANY_REQUESTS,
        /** 401/403 after the token flow: credentials wrong or missing */
        AUTH,
        /** a body that does not hash to its digest, or shorter than announced */
        CORRUPT,
        /** an answer the registry protocol does not allow (other 4xx, missing headers) */
        PROTOCOL;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String upstream;
    private final Optional<Duration> retryAfter;

    public UpstreamFailure(Kind kind, String upstream, String detail, Optional<Duration> retryAfter, Throwable cause) {
        super("upstream " + upstream + ": " + kind.tag() + ": " + detail, cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
    }

    public UpstreamFailure(Kind kind, String upstream, String detail) {
        this(kind, upstream, detail, Optional.empty(), null);
    }

    public Kind kind() {
        return kind;
    }

    public String upstream() {
        return upstream;
    }

    /** The upstream's Retry-After (429 and 503 may carry one). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
