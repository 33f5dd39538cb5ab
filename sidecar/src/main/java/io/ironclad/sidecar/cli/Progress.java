package io.ironclad.sidecar.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A progress line rewritten in place on a terminal at most four times a second; silent when not on one. */
public final class Progress {

    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintStream terminal;
    private final String verb;
    private final long started = System.nanoTime();
    private long shown;
    private boolean any;

    /** @param terminal where to draw, or null when the output is not a terminal */
    public Progress(PrintStream terminal, String verb) {
        this.terminal = terminal;
        this.verb = verb;
    }

    public synchronized void update(Tally tally, boolean force) {
        long now = System.nanoTime();
        if (terminal == null || !force && now - shown < INTERVAL_NANOS) {
            return;
        }
        shown = now;
        any = true;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        long bad = tally.count(Outcome.CORRUPT) + tally.count(Outcome.METADATA_MISMATCH) + tally.count(Outcome.ERROR);
        terminal.printf(Locale.ROOT, "\r%s: %d objects, %.1f MB, %d bad, %.1f objects/s   ", verb, tally.objects(),
                tally.bytes() / 1e6, bad, tally.objects() / seconds);
        terminal.flush();
    }

    public synchronized void finish(Tally tally) {
        update(tally, true);
        if (any) {
            terminal.println();
        }
    }
}
