package io.ironclad.sidecar.cli;

/** A command failure that ends the process with {@link #exitCode()} and a one-line message on stderr. */
public final class CliException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Bad arguments or configuration. */
    public static final int USAGE = 2;
    /** The store or database could not be reached. */
    public static final int UNREACHABLE = 3;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
