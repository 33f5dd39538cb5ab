package io.ironclad.sidecar.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code serve}: the registry sidecar; returns when it has stopped (or failed to start, with the one-line cause). */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
        description = "Run the registry sidecar (OCI Distribution API, /ops, /admin) until it is stopped.")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    IroncladCommand root;

    @Mixin
    HelpFlag help;

    @Option(names = "--port", paramLabel = "PORT", description = "micronaut.server.port (default 5000, IRONCLAD_PORT)")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "micronaut.server.host (default 127.0.0.1, IRONCLAD_HOST)")
    String host;

    @Mixin
    StoreFlags store;

    @Override
    public Integer call() throws CliException {
        if (port != null && (port < 0 || port > 65_535)) {
            throw CliException.usage("--port must be between 0 and 65535, got " + port);
        }
        Map<String, Object> overrides = store.overrides();
        if (port != null) {
            overrides.put("micronaut.server.port", port);
        }
        if (host != null) {
            overrides.put("micronaut.server.host", host);
        }
        root.backends().serve(overrides);
        return 0;
    }
}
