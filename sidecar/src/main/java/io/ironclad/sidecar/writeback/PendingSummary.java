package io.ironclad.sidecar.writeback;

import java.time.Duration;

/** What one replica holds pending: how many blobs, their bytes, and how long the oldest has waited. */
public record PendingSummary(long count, long bytes, Duration oldestAge) {

    static final PendingSummary NONE = new PendingSummary(0, 0, Duration.ZERO);
}
