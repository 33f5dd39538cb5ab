package io.ironclad.sidecar.ops.events;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistencyEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which consistency events to return: kinds (empty = all), a half-open time range
 * {@code [since, until)} and a row limit. Built from query parameters by {@link #parse}, which
 * rejects anything it does not understand with an {@link IllegalArgumentException} naming the
 * parameter, so a typo never silently widens or empties the answer.
 */
public record EventFilter(Set<String> kinds, Optional<Instant> since, Optional<Instant> until, int limit) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    /** The lower-case names of {@link ConsistencyEvent.Kind}, as stored and served. */
    static final Set<String> KNOWN_KINDS = Arrays.stream(ConsistencyEvent.Kind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toCollection(TreeSet::new));

    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    public EventFilter {
        kinds = Set.copyOf(requireNonNull(kinds, "kinds is null"));
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static EventFilter all(int limit) {
        return new EventFilter(Set.of(), Optional.empty(), Optional.empty(), limit);
    }

    /**
     * @param kinds values of repeated {@code kind=} parameters, each possibly a comma list
     * @param since {@code since=}: an ISO-8601 instant or a duration before now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d})
     * @param until {@code until=}, same forms
     * @param limit {@code limit=}, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} when absent
     */
    static EventFilter parse(Collection<String> kinds, String since, String until, String limit, Clock clock) {
        Instant now = clock.instant();
        Optional<Instant> from = instant("since", since, now);
        Optional<Instant> to = instant("until", until, now);
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("since (" + from.get() + ") must be before until (" + to.get() + ")");
        }
        return new EventFilter(kinds(kinds), from, to, limit(limit));
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit=" + value + " is not a number between 1 and " + MAX_LIMIT);
        }
    }

    /** Parses a time parameter: an ISO-8601 instant, or a duration back from {@code now}. */
    static Optional<Instant> instant(String parameter, String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Matcher relative = RELATIVE.matcher(value.trim());
        if (relative.matches()) {
            return Optional.of(now.minus(duration(Long.parseLong(relative.group(1)), relative.group(2))));
        }
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(parameter + "=" + value
                    + " is neither an ISO-8601 instant (2024-05-01T12:00:00Z) nor a duration back from now (90s, 15m, 2h, 1d)");
        }
    }

    /** Parses a duration parameter such as {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d} or {@code 500ms}. */
    static Duration parseDuration(String parameter, String value) {
        Matcher m = RELATIVE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(parameter + "=" + value + " is not a duration such as 90s, 15m, 2h or 1d");
        }
        return duration(Long.parseLong(m.group(1)), m.group(2));
    }

    private static Duration duration(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }

    private static Set<String> kinds(Collection<String> values) {
        Set<String> kinds = new TreeSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            for (String part : value.split(",")) {
                String kind = part.trim().toLowerCase(Locale.ROOT);
                if (kind.isEmpty()) {
                    continue;
                }
                if (!KNOWN_KINDS.contains(kind)) {
                    throw new IllegalArgumentException("unknown event kind '" + part.trim() + "'; known kinds: "
                            + String.join(", ", KNOWN_KINDS));
                }
                kinds.add(kind);
            }
        }
        return kinds;
    }
}
