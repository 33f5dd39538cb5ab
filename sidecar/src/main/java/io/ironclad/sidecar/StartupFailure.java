package io.ironclad.sidecar;

import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.backend.StartupRefusal;
import io.ironclad.sidecar.cli.CliException;
import io.micronaut.context.exceptions.ConfigurationException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why a context did not start, as one line and an exit code: the framework wraps the cause in
 * several layers of bean-creation exceptions whose messages run to dozens of lines; the
 * operator needs the cause (port in use, database locked or unreachable, a bad setting).
 *
 * @param cause the one-line cause
 * @param exitCode {@link CliException#UNREACHABLE} for a database or store that cannot be reached
 *     or is locked, {@link CliException#USAGE} otherwise
 * @param locked whether another process holds the embedded database
 */
public record StartupFailure(String cause, int exitCode, boolean locked) {

    public static StartupFailure of(Throwable failure) {
        List<Throwable> chain = chain(failure);
        boolean locked = chain.stream().anyMatch(e -> e.getMessage() != null
                && (e.getMessage().contains("file is locked") || e.getMessage().contains("already in use:")));
        for (Throwable e : chain) {
            if (e instanceof BindException) {
                String server = chain.stream().filter(t -> t.getClass().getSimpleName().equals("ServerStartupException"))
                        .map(t -> firstLine(t) + ": ").findFirst().orElse("");
                return new StartupFailure(server + firstLine(e) + " (is another server listening on that port?)", CliException.USAGE, false);
            }
        }
        for (Throwable e : chain) {
            if (e instanceof SQLException) {
                return new StartupFailure("database: " + firstLine(e), CliException.UNREACHABLE, locked);
            }
        }
        for (Throwable e : chain) {
            if (e instanceof StartupRefusal) {
                return new StartupFailure(firstLine(e), CliException.UNREACHABLE, false);
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        boolean unreachable = chain.stream().anyMatch(e -> e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof StorageException);
        if (unreachable) {
            return new StartupFailure("store: " + firstLine(root), CliException.UNREACHABLE, false);
        }
        for (Throwable e : chain) {
            if (e instanceof ConfigurationException || e instanceof IllegalArgumentException) {
                return new StartupFailure("configuration: " + firstLine(e), CliException.USAGE, false);
            }
        }
        return new StartupFailure(firstLine(root), CliException.USAGE, false);
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable e = failure; e != null && !chain.contains(e); e = e.getCause()) {
            chain.add(e);
        }
        return chain;
    }

    /** The message's first line (the framework appends bean paths below it), or the exception's kind when it has none. */
    private static String firstLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        // "Error instantiating bean of type [x]: message" and "Message: ..." prefixes name the framework's layer, not the cause
        int marker = line.indexOf("Message: ");
        return marker >= 0 ? line.substring(marker + "Message: ".length()) : line;
    }
}
