package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One fault of a scenario, as written in its JSON.
 *
 * @param kind what to inject
 * @param probability chance per matching request (a burst starts with this chance)
 * @param burst ERROR only: consecutive matching requests answered with an error once a burst starts (default 1)
 * @param statuses ERROR only: statuses drawn from (default [503])
 * @param methods request methods it applies to (default: all; GET for TRUNCATE, FLIP and STALL)
 * @param path regular expression the request path must match (default {@code ^/v1/.*}: storage requests, not auth)
 * @param minMillis LATENCY only: least added delay
 * @param maxMillis LATENCY: most added delay; STALL: how long the body stalls
 * @param afterForward DROP only: forward the request first, so a write may have happened
 * @param retryAfterSeconds ERROR only: a {@code Retry-After} header on the injected answer (0: none), as a
 *        rate-limiting registry sends with 429
 */
record FaultSpec(FaultKind kind, double probability, int burst, List<Integer> statuses, List<String> methods, String path,
        long minMillis, long maxMillis, boolean afterForward, int retryAfterSeconds) {

    FaultSpec(FaultKind kind, double probability, int burst, List<Integer> statuses, List<String> methods, String path,
            long minMillis, long maxMillis, boolean afterForward) {
        this(kind, probability, burst, statuses, methods, path, minMillis, maxMillis, afterForward, 0);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    FaultSpec {
        requireNonNull(kind, "kind is null");
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException(kind + ": probability must be in 0..1, got " + probability);
        }
        burst = Math.max(1, burst);
        statuses = statuses == null || statuses.isEmpty() ? List.of(503) : List.copyOf(statuses);
        methods = methods == null || methods.isEmpty()
                ? kind == FaultKind.TRUNCATE || kind == FaultKind.FLIP || kind == FaultKind.STALL ? List.of("GET") : List.of()
                : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        path = path == null ? "^/v1/.*" : path;
        Pattern.compile(path);
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException(kind + ": retryAfterSeconds is negative");
        }
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException(kind + ": need 0 <= minMillis <= maxMillis");
        }
    }

    boolean matches(String method, String requestPath) {
        return (methods.isEmpty() || methods.contains(method)) && Pattern.compile(path).matcher(requestPath).find();
    }
}
