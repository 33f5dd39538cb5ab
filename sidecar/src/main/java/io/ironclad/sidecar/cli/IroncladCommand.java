package io.ironclad.sidecar.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code ironclad}: the top of the command tree. Each subcommand is one class registered in
 * {@code subcommands} below; it reaches the sidecar through {@link #backends()} and writes through
 * {@link #io()} (see the package documentation).
 */
@Command(name = "ironclad", sortOptions = false, usageHelpAutoWidth = true,
        description = "Consistency-hardened OCI registry storage: the sidecar and its operator commands.",
        subcommands = {ServeCommand.class, VerifyCommand.class, BackfillCommand.class, GcCommand.class, ImportCli.class,
            LifecycleCommands.Repo.class, LifecycleCommands.RetentionRun.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all good (also --help)",
            "1:bad objects found, or gc candidates not collected",
            "2:usage or configuration error (unknown command or flag, bad value, missing setting, port in use)",
            "3:store, database or server unreachable (or the database is locked by another process)"})
final class IroncladCommand implements Callable<Integer> {

    @Mixin
    HelpFlag help;

    @Spec
    CommandSpec spec;

    private final Backends backends;
    private final Io io;

    IroncladCommand(Backends backends, Io io) {
        this.backends = backends;
        this.io = io;
    }

    Backends backends() {
        return backends;
    }

    Io io() {
        return io;
    }

    /** {@code ironclad} with options but no command. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }
}
