package io.ironclad.sidecar.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The operator commands on the sidecar's jar: {@code verify}, {@code backfill}, {@code gc}. Exit
 * codes: 0 all good, 1 bad blobs found (or blobs not collected), 2 usage or configuration error,
 * 3 store or database unreachable.
 */
public final class Cli {

    /** The verbs this class runs. */
    public static final Set<String> VERBS = Set.of("verify", "backfill", "gc", "repo", "retention");

    public static final String USAGE = """
            usage: ironclad serve [micronaut options]
                   ironclad verify   [--prefix P | --repository NAME] [--quarantine] [--checkpoint FILE] [--report FILE]
                                     [--parallel N] [--page-size N] [--fresh] [store flags]
                   ironclad backfill [--prefix P | --repository NAME] [--dry-run] [--checkpoint FILE] [--report FILE]
                                     [--parallel N] [--page-size N] [--fresh] [store flags]
                   ironclad gc       [--dry-run] [--grace-period DURATION] [--report FILE] [store flags]
                   ironclad repo delete NAME [--dry-run] [--report FILE] [store flags]
                   ironclad retention [--apply] [--report FILE] [store flags]
            store flags (override the sidecar's ironclad.* settings from the environment and -D):
                   --config FILE  --driver TYPE  --container NAME  --bucket NAME  --data-dir DIR  --set KEY=VALUE
            exit codes: 0 all good, 1 bad objects found, 2 usage error, 3 backend unreachable""";

    private Cli() {
    }

    /** Runs {@code args} (verb first) and returns the exit code; never calls {@link System#exit}. */
    public static int run(String[] args, Backends backends, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length == 0 || !VERBS.contains(args[0])) {
            err.println(args.length == 0 ? "no command given" : "unknown command '" + args[0] + "'");
            err.println(USAGE);
            return CliException.USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Io io = new Io(out, err, terminal ? err : null);
        try {
            return switch (args[0]) {
                case "verify" -> VerifyCommand.run(Options.parse(rest, StoreWalks.VALUED, VerifyCommand.SWITCHES), backends, io);
                case "backfill" -> BackfillCommand.run(Options.parse(rest, StoreWalks.VALUED, BackfillCommand.SWITCHES), backends, io);
                case "repo" -> LifecycleCommands.repo(rest, backends, io);
                case "retention" -> LifecycleCommands.retention(rest, backends, io);
                default -> GcCommand.run(Options.parse(rest, GcCommand.VALUED, GcCommand.SWITCHES), backends, io);
            };
        } catch (CliException e) {
            err.println("ironclad " + args[0] + ": " + e.getMessage());
            if (e.exitCode() == CliException.USAGE) {
                err.println(USAGE);
            }
            return e.exitCode();
        }
    }
}
