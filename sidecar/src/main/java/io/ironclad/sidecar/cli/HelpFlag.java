package io.ironclad.sidecar.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for a command: its usage on stdout, exit 0. Every command mixes it in. */
final class HelpFlag {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
}
