package io.ironclad.chaos;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Every operation of a run, in completion order, shared by all clients. */
final class History {

    private final ConcurrentLinkedQueue<OpRecord> records = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();
    private final LongConsumer onCount;

    /** {@code onCount} hears the number of operations recorded so far after each one (scheduled faults). */
    History(LongConsumer onCount) {
        this.onCount = onCount;
    }

    History() {
        this(n -> { });
    }

    void add(OpRecord record) {
        records.add(record);
        onCount.accept(count.incrementAndGet());
    }

    long count() {
        return count.get();
    }

    List<OpRecord> snapshot() {
        return List.copyOf(records);
    }
}
