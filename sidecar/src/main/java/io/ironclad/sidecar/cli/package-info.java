/**
 * The {@code ironclad} command line: {@code serve} and the operator commands ({@code verify},
 * {@code backfill}, {@code gc}), parsed by picocli. {@link io.ironclad.sidecar.cli.Cli#run} is the
 * entry; {@code Application.main} calls it.
 *
 * <p><b>Adding a command</b> takes one class and one registration line:
 * <ol>
 * <li>write a package-private class annotated {@code @Command(name = "mycommand", description = ...)}
 *     that implements {@code Callable<Integer>} (the exit code), with an
 *     {@code @ParentCommand IroncladCommand root} field for {@code root.backends()} (the sidecar's
 *     store, database and server) and {@code root.io()} (stdout for the JSON summary, stderr);
 *     mix in {@code @Mixin HelpFlag help} and take the shared flags with {@code @Mixin StoreFlags store} (and {@code @Mixin ServerFlags
 *     server} when it can also run on a running sidecar) and throw {@link io.ironclad.sidecar.cli.CliException}
 *     for a failure: picocli prints it as one line {@code ironclad mycommand: ...} and exits with its code;</li>
 * <li>add the class to {@code subcommands} in {@code IroncladCommand} (a nested command such as
 *     {@code repo delete} is a {@code @Command(name = "repo", subcommands = RepoDeleteCommand.class)}
 *     class registered there).</li>
 * </ol>
 * {@code --help}, unknown options (exit 2) and the usage text come from
 * the annotations; tests run {@link io.ironclad.sidecar.cli.Cli#run} with a
 * {@link io.ironclad.sidecar.cli.Backends} of their own. To make a command runnable through the
 * admin API as well, allow it (and its flags) in {@code io.ironclad.sidecar.admin.AdminJobs}.
 */
package io.ironclad.sidecar.cli;
