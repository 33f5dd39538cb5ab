package io.ironclad.sidecar.serving;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of blob bodies sent as file regions, and the files such bodies hold open right now. */
@Singleton
public final class FileRegionStats {

    private final AtomicLong regions = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong open = new AtomicLong();

    /** Bodies sent (or being sent) as file regions. */
    public long regions() {
        return regions.get();
    }

    /** Of those, bodies whose last byte waited for the file's hash. */
    public long heldBack() {
        return heldBack.get();
    }

    /** Bodies aborted before their last byte (the hash did not match, or it could not be read). */
    public long aborted() {
        return aborted.get();
    }

    /** Files that region bodies hold open now. */
    public long openFiles() {
        return open.get();
    }

    void countSent(boolean held) {
        regions.incrementAndGet();
        if (held) {
            heldBack.incrementAndGet();
        }
    }

    void countAborted() {
        aborted.incrementAndGet();
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }
}
