package io.ironclad.sidecar.cli;

import java.io.PrintStream;

/**
 * Where a command writes.
 *
 * @param out the JSON summary (unless {@code --report} names a file)
 * @param err usage and error lines
 * @param terminal the progress line, or null when not on a terminal
 */
public record Io(PrintStream out, PrintStream err, PrintStream terminal) {
}
