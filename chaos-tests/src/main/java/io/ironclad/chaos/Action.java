package io.ironclad.chaos;

import static java.util.Objects.requireNonNull;

/**
 * A real fault on the Swift all-in-one, run by the workload when {@code atOperation} operations
 * are recorded: {@code ops/swift/aio.sh <verb> <dir> [server]}.
 *
 * @param atOperation operation count that triggers it
 * @param verb {@code stop-server}, {@code start-server}, {@code update-once} or {@code replicate-once}
 * @param server for stop-server/start-server: {@code object-1..4}, {@code container-1..3}, {@code account-1..3},
 *     or several of them comma-separated, stopped or started at once
 */
record Action(long atOperation, String verb, String server) {

    Action {
        requireNonNull(verb, "verb is null");
        server = server == null ? "" : server;
        if (!verb.matches("stop-server|start-server|update-once|replicate-once")) {
            throw new IllegalArgumentException("unknown action verb '" + verb + "'");
        }
        if (verb.endsWith("-server") == server.isEmpty()) {
            throw new IllegalArgumentException(verb + (server.isEmpty() ? " needs a server" : " takes no server"));
        }
    }

    @Override
    public String toString() {
        return "at " + atOperation + ": " + verb + (server.isEmpty() ? "" : " " + server);
    }
}
