package io.ironclad.sidecar.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Runs a command line through picocli ({@link IroncladCommand} and its subcommands). Exit codes:
 * 0 all good (and {@code --help}), 1 bad blobs found (or blobs not collected), 2 usage or
 * configuration error, 3 store, database or server unreachable. A failure is one line on stderr
 * naming the command; its stack trace is logged at debug level only.
 */
public final class Cli {

    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    private Cli() {
    }

    /** Runs {@code args} (the command first; none means {@code serve}) and returns the exit code; never calls {@link System#exit}. */
    public static int run(String[] args, Backends backends, PrintStream out, PrintStream err, boolean terminal) {
        CommandLine line = commandLine(backends, new Io(out, err, terminal ? err : null));
        return line.execute(args.length == 0 ? new String[] {"serve"} : args);
    }

    /** The command tree with its error handling; {@code io} receives help (stdout), errors (stderr) and the summaries. */
    static CommandLine commandLine(Backends backends, Io io) {
        CommandLine line = new CommandLine(new IroncladCommand(backends, io));
        line.setOut(new PrintWriter(io.out(), true));
        line.setErr(new PrintWriter(io.err(), true));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !failed.getSubcommands().isEmpty()
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + unmatched.getUnmatched().get(0) + "'";
            }
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + message);
            failed.getErr().println("see '" + failed.getCommandSpec().qualifiedName() + " --help'");
            return CliException.USAGE;
        });
        line.setExecutionExceptionHandler((e, failed, parsed) -> {
            String command = failed.getCommandSpec().qualifiedName();
            LOG.debug("{} failed", command, e);
            if (e instanceof CliException cli) {
                failed.getErr().println(command + ": " + cli.getMessage());
                if (cli.exitCode() == CliException.USAGE && cli.getCause() == null) {
                    failed.getErr().println("see '" + command + " --help'");
                }
                return cli.exitCode();
            }
            failed.getErr().println(command + ": unexpected failure: " + e);
            return CliException.USAGE;
        });
        return line;
    }
}
