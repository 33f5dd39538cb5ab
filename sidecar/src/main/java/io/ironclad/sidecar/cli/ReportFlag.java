package io.ironclad.sidecar.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --report FILE}: where a command writes its JSON summary; stdout without it. Mixed into every command that reports. */
final class ReportFlag {

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON summary to FILE instead of stdout")
    Path file;

    /** The file asked for, or empty for stdout. */
    Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
