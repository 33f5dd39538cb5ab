package io.ironclad.sidecar.writeback;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.writeback.*} settings.
 *
 * @param enabled keep a blob the store refuses transiently on this replica's disk and acknowledge it
 * @param maxBytes bytes the kept blobs and local uploads may hold in {@code <data-dir>/writeback}; past it pushes fail as without write-back
 * @param advertiseUrl how other replicas reach this one to read a blob it holds ({@code http://host:port}); empty: this server's own address
 * @param flushInterval how often the flush job looks for pending blobs that are due
 * @param initialBackoff the wait after a blob's first failed flush; doubled per failure
 * @param maxBackoff the longest wait between two flushes of one blob
 * @param proxyTimeout how long another replica waits for the owner when it proxies a read
 * @param warnInterval how often a WARN line says that blobs are still pending
 * @param flushConcurrency how many blobs a flush round stores at once (the flush after an outage is bound by the store's latency, not its bandwidth)
 */
@ConfigurationProperties("ironclad.writeback")
public record WritebackSettings(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = "10737418240") long maxBytes,
        @Bindable(defaultValue = "") String advertiseUrl,
        @Bindable(defaultValue = "2s") Duration flushInterval,
        @Bindable(defaultValue = "1s") Duration initialBackoff,
        @Bindable(defaultValue = "2m") Duration maxBackoff,
        @Bindable(defaultValue = "10s") Duration proxyTimeout,
        @Bindable(defaultValue = "1m") Duration warnInterval,
        @Bindable(defaultValue = "4") int flushConcurrency) {

    public WritebackSettings {
        requireNonNull(advertiseUrl, "advertiseUrl is null");
        if (flushConcurrency < 1) {
            throw new IllegalArgumentException("ironclad.writeback.flush-concurrency must be at least 1, got " + flushConcurrency);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("ironclad.writeback.max-bytes is negative: " + maxBytes);
        }
        for (Duration d : new Duration[] {flushInterval, initialBackoff, maxBackoff, proxyTimeout, warnInterval}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("ironclad.writeback durations must be positive, got " + d);
            }
        }
    }
}
