package io.ironclad.sidecar.cli;

import io.ironclad.sidecar.cli.importer.ImportOptions;
import java.util.List;
import java.util.Set;

/** The flags of {@code ironclad import}, turned into its {@link ImportOptions}. */
final class ImportFlags {

    static final Set<String> VALUED = Set.of("root", "checkpoint", "report", "parallel", "page-size");
    static final Set<String> SWITCHES = Set.of("fresh");

    private ImportFlags() {
    }

    static ImportOptions options(List<String> args) throws CliException {
        Options options = Options.parse(args, VALUED, SWITCHES);
        return new ImportOptions(options.value("root"), options.path("checkpoint"), options.path("report"),
                options.positive("parallel", 4), Math.min(10_000, options.positive("page-size", 1000)), options.has("fresh"),
                options.overrides());
    }
}
