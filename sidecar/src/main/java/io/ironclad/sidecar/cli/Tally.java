package io.ironclad.sidecar.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Running counts of one walk, carried in its checkpoint so a resumed walk reports the whole
 * store. Thread safe; the problem list keeps the first {@value #MAX_PROBLEMS} bad blobs.
 */
public final class Tally {

    static final int MAX_PROBLEMS = 10_000;

    private final EnumMap<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private final List<Problem> problems = new ArrayList<>();
    private long objects;
    private long bytes;
    private long skipped;
    private long quarantined;

    /** One blob that made the command fail, with what was found. */
    public record Problem(String key, String digest, Outcome outcome, String detail) {
    }

    public synchronized void record(Outcome outcome, long hashedBytes) {
        objects++;
        bytes += hashedBytes;
        counts.merge(outcome, 1L, Long::sum);
    }

    public synchronized void problem(Problem problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }

    public synchronized void skipped(long count) {
        skipped += count;
    }

    public synchronized void quarantined() {
        quarantined++;
    }

    public synchronized long objects() {
        return objects;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long count(Outcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    public synchronized long quarantinedCount() {
        return quarantined;
    }

    public synchronized boolean anyBad() {
        return counts.keySet().stream().anyMatch(Outcome::bad);
    }

    public synchronized List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** The state as plain JSON values, for the checkpoint. */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("objects", objects);
        json.put("bytes", bytes);
        json.put("skipped", skipped);
        json.put("quarantined", quarantined);
        Map<String, Long> byOutcome = new LinkedHashMap<>();
        counts.forEach((outcome, count) -> byOutcome.put(outcome.name(), count));
        json.put("outcomes", byOutcome);
        json.put("problems", problems);
        return json;
    }

    public synchronized long skippedCount() {
        return skipped;
    }

    /** Restores {@link #toJson()} output read back by Jackson. */
    static Tally fromJson(Map<String, Object> json) {
        Tally tally = new Tally();
        tally.objects = number(json.get("objects"));
        tally.bytes = number(json.get("bytes"));
        tally.skipped = number(json.get("skipped"));
        tally.quarantined = number(json.get("quarantined"));
        if (json.get("outcomes") instanceof Map<?, ?> outcomes) {
            outcomes.forEach((name, count) -> tally.counts.put(Outcome.valueOf(name.toString()), number(count)));
        }
        if (json.get("problems") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> p) {
                    tally.problems.add(new Problem(String.valueOf(p.get("key")), String.valueOf(p.get("digest")),
                            Outcome.valueOf(String.valueOf(p.get("outcome"))), String.valueOf(p.get("detail"))));
                }
            }
        }
        return tally;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
