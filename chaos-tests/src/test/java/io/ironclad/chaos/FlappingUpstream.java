package io.ironclad.chaos;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link FaultProxy} on a fixed port in front of an OCI registry whose fault scenario changes
 * phase by phase; a phase without a scenario stops it, so the cache behind it sees connection
 * refused (the upstream stopped). What it injected over all phases is summed.
 */
final class FlappingUpstream implements Closeable {

    /** One phase of the flapping: a scenario, or null for the upstream stopped. */
    record Phase(String name, Scenario scenario) {
        static Phase of(String name, FaultSpec... faults) {
            return new Phase(name, new Scenario(name, "", 11, null, List.of(faults), null));
        }

        static Phase stopped() {
            return new Phase("stopped", null);
        }
    }

    /** The flapping of the pull-through scenario: healthy between every failure the issue lists. */
    static final List<Phase> CYCLE = List.of(
            Phase.of("healthy"),
            Phase.of("5xx burst", error(List.of(500, 502, 503), 0)),
            Phase.of("healthy"),
            Phase.of("429 + Retry-After", error(List.of(429), 3)),
            Phase.of("latency 3 s", new FaultSpec(FaultKind.LATENCY, 1, 0, null, null, "^/v2/.+", 3000, 3000, false)),
            Phase.of("healthy"),
            Phase.of("resets", new FaultSpec(FaultKind.DROP, 0.5, 0, null, null, "^/v2/", 0, 0, false)),
            Phase.of("truncated bodies", new FaultSpec(FaultKind.TRUNCATE, 0.7, 0, null, null, "^/v2/.+", 0, 0, false)),
            Phase.of("healthy"),
            Phase.of("corrupted bodies", new FaultSpec(FaultKind.FLIP, 0.7, 0, null, null, "^/v2/.+", 0, 0, false)),
            Phase.stopped());

    private final URI upstream;
    private final int port;
    private final Map<String, Long> injected = new TreeMap<>();
    private FaultProxy proxy;

    FlappingUpstream(URI upstream) throws IOException {
        this.upstream = upstream;
        this.port = SidecarProcess.freePort();
    }

    /** Where the cache is pointed: this proxy's fixed address. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    synchronized void enter(Phase phase) throws IOException {
        stop();
        if (phase.scenario() != null) {
            proxy = FaultProxy.start(upstream, "127.0.0.1", port, phase.scenario());
        }
    }

    /** Faults injected so far, by name, over all phases. */
    synchronized Map<String, Long> injected() {
        Map<String, Long> all = new TreeMap<>(injected);
        if (proxy != null) {
            proxy.injected().forEach((k, v) -> all.merge(k, v, Long::sum));
        }
        return all;
    }

    private void stop() throws IOException {
        if (proxy != null) {
            proxy.injected().forEach((k, v) -> injected.merge(k, v, Long::sum));
            proxy.close();
            proxy = null;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        stop();
    }

    private static FaultSpec error(List<Integer> statuses, int retryAfter) {
        return new FaultSpec(FaultKind.ERROR, 1, 1, statuses, null, "^/v2/.+", 0, 0, false, retryAfter);
    }
}
