package io.ironclad.consistency;

import io.ironclad.driver.ObjectKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Fans events out to listeners and Micrometer. */
final class EventSink {

    private static final System.Logger LOG = System.getLogger(EventSink.class.getName());

    private final String driver;
    private final List<ConsistencyListener> listeners;
    private final MeterRegistry registry;
    private final Clock clock;

    EventSink(String driver, List<ConsistencyListener> listeners, MeterRegistry registry, Clock clock) {
        this.driver = driver;
        this.listeners = List.copyOf(listeners);
        this.registry = registry;
        this.clock = clock;
    }

    void emit(ConsistencyEvent.Kind kind, String operation, ObjectKey key, int attempt, Duration elapsed, String detail) {
        ConsistencyEvent event = new ConsistencyEvent(kind, driver, operation, key.value(), attempt, elapsed, detail, clock.instant());
        Counter.builder(ConsistencyMeters.EVENTS)
                .tag(ConsistencyMeters.TAG_KIND, kind.name().toLowerCase(Locale.ROOT))
                .tag(ConsistencyMeters.TAG_DRIVER, driver)
                .tag(ConsistencyMeters.TAG_OPERATION, operation)
                .register(registry)
                .increment();
        for (ConsistencyListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                // a broken listener must not fail the read it observes
                LOG.log(System.Logger.Level.WARNING, "consistency listener failed on " + event, e);
            }
        }
    }

    void recordWait(String operation, Duration waited) {
        Timer.builder(ConsistencyMeters.WAIT)
                .tag(ConsistencyMeters.TAG_DRIVER, driver)
                .tag(ConsistencyMeters.TAG_OPERATION, operation)
                .publishPercentileHistogram()
                .register(registry)
                .record(waited);
    }

    Counter cacheCounter(String name) {
        return Counter.builder(name).tag(ConsistencyMeters.TAG_DRIVER, driver).register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    String driver() {
        return driver;
    }
}
