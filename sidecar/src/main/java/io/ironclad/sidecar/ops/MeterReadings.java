package io.ironclad.sidecar.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads the application's own meters ({@code ironclad.*}) by name, as the dashboard needs them:
 * a meter that no component registered is simply absent from the answer, so panels for features
 * a deployment does not have (a write-back cache, a pull-through upstream) stay empty instead of
 * failing.
 */
@Singleton
public final class MeterReadings {

    /** The most names one call reads. */
    public static final int MAX_NAMES = 32;

    private static final Pattern NAME = Pattern.compile("ironclad(\\.[a-z0-9_]+){1,8}");

    private final MeterRegistry registry;

    MeterReadings(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * One meter's current reading: a gauge's value, a counter's count, a timer's or summary's
     * count (then {@code total} is its total, in seconds for a timer).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Reading(String name, String type, Map<String, String> tags, double value, double total) {
    }

    /**
     * The meters with these names (each {@code ironclad.} followed by dotted lower-case words), in
     * name and tag order.
     *
     * @throws IllegalArgumentException for more than {@link #MAX_NAMES} names or a name outside that grammar
     */
    public List<Reading> read(Collection<String> names) {
        if (names.size() > MAX_NAMES) {
            throw new IllegalArgumentException("at most " + MAX_NAMES + " meter names per call, got " + names.size());
        }
        List<Reading> readings = new ArrayList<>();
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("meter name must be ironclad.<words> in lower case, got '" + name + "'");
            }
            for (Meter meter : registry.find(name).meters()) {
                readings.add(reading(meter));
            }
        }
        readings.sort(Comparator.comparing(Reading::name).thenComparing(r -> r.tags().toString()));
        return readings;
    }

    private static Reading reading(Meter meter) {
        Map<String, String> tags = new TreeMap<>();
        for (Tag tag : meter.getId().getTagsAsIterable()) {
            tags.put(tag.getKey(), tag.getValue());
        }
        String name = meter.getId().getName();
        if (meter instanceof TimeGauge g) {
            return new Reading(name, "gauge", tags, g.value(TimeUnit.SECONDS), 0);
        }
        if (meter instanceof Gauge g) {
            return new Reading(name, "gauge", tags, g.value(), 0);
        }
        if (meter instanceof Counter c) {
            return new Reading(name, "counter", tags, c.count(), 0);
        }
        if (meter instanceof FunctionCounter c) {
            return new Reading(name, "counter", tags, c.count(), 0);
        }
        if (meter instanceof Timer t) {
            return new Reading(name, "timer", tags, t.count(), t.totalTime(TimeUnit.SECONDS));
        }
        if (meter instanceof DistributionSummary s) {
            return new Reading(name, "summary", tags, s.count(), s.totalAmount());
        }
        if (meter instanceof LongTaskTimer t) {
            return new Reading(name, "long_task_timer", tags, t.activeTasks(), t.duration(TimeUnit.SECONDS));
        }
        double first = 0;
        for (var measurement : meter.measure()) {
            first = measurement.getValue();
            break;
        }
        return new Reading(name, meter.getId().getType().name().toLowerCase(java.util.Locale.ROOT), tags, first, 0);
    }
}
