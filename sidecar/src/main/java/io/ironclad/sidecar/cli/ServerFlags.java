package io.ironclad.sidecar.cli;

import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command that can run on a running sidecar runs: on {@code --server URL}; else on the
 * server found on the configured data directory (see {@link Backends#runningServer}), unless
 * {@code --direct} or a flag naming the store says otherwise; else directly on store and database.
 */
final class ServerFlags {

    @Option(names = "--server", paramLabel = "URL",
            description = "run on the sidecar at URL through its admin API (default: the server found in <data-dir>/server.json, if any)")
    URI server;

    @Option(names = "--direct", description = "open the store and database directly even when a running server is found")
    boolean direct;

    /** The server to run on, if any. */
    Optional<URI> target(StoreFlags store, Backends backends) throws CliException {
        if (server != null) {
            if (direct) {
                throw CliException.usage("give --server or --direct, not both");
            }
            if (server.getScheme() == null || !server.getScheme().startsWith("http") || server.getHost() == null) {
                throw CliException.usage("--server needs an http(s) URL such as http://127.0.0.1:5000, got '" + server + "'");
            }
            return Optional.of(server);
        }
        if (direct || store.namesStore()) {
            return Optional.empty();
        }
        return backends.runningServer(store.overrides());
    }
}
