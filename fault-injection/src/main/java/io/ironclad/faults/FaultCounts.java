package io.ironclad.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a {@link FaultyDriver} injected, per kind. A call carries at most one harmful fault, so
 * {@link #harmful()} is also the number of calls whose outcome was changed. Thread safe.
 */
public final class FaultCounts {

    private final AtomicLongArray counts = new AtomicLongArray(FaultKind.values().length);

    void add(FaultKind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    public long get(FaultKind kind) {
        return counts.get(kind.ordinal());
    }

    /** Sum over the harmful kinds: the number of calls whose outcome a fault changed. */
    public long harmful() {
        long total = 0;
        for (FaultKind kind : FaultKind.values()) {
            if (kind.harmful()) {
                total += get(kind);
            }
        }
        return total;
    }

    public Map<FaultKind, Long> snapshot() {
        Map<FaultKind, Long> copy = new EnumMap<>(FaultKind.class);
        for (FaultKind kind : FaultKind.values()) {
            copy.put(kind, get(kind));
        }
        return copy;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
