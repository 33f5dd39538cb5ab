package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.CliBackends;
import io.ironclad.sidecar.cli.Cli;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point: the {@code ironclad} command line ({@link Cli}): {@code serve} (the default) runs
 * the registry sidecar; {@code verify}, {@code backfill}, {@code gc} and {@code import} are the operator commands.
 */
public final class Application {

    private Application() {
    }

    /**
     * The JDK HTTP client's read buffer (the Swift driver, pull-through, write-back reads), 16 KiB
     * by default. At 256 KiB a 256 MiB first read from the Swift all-in-one cost the sidecar 0.99
     * instead of 1.44 CPU seconds (BENCHMARKS.md, issue 15 fourth pass); read once, when the
     * client's classes load, so it is set before anything else runs. {@code -D} overrides it.
     */
    static final String HTTP_CLIENT_BUFFER = "jdk.httpclient.bufsize";

    public static void main(String[] args) {
        if (System.getProperty(HTTP_CLIENT_BUFFER) == null) {
            System.setProperty(HTTP_CLIENT_BUFFER, Integer.toString(256 * 1024));
        }
        if (args.length > 0 && !args[0].equals("serve")) {
            // before anything logs: stdout is reserved for the command's JSON summary (or help)
            System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "logback-cli.xml"));
        }
        CliBackends backends = new CliBackends();
        int code = Cli.run(args, backends, System.out, System.err, System.console() != null);
        if (code != 0 || !backends.served()) {
            System.exit(code);
        }
        // a served sidecar returns once its shutdown hook has stopped it; System.exit here would wait on that hook forever
    }

    /** {@code ironclad.data-dir} from {@code -D} or the environment, null when neither sets it. */
    public static String dataDirFromEnvironment() {
        return System.getProperty("ironclad.data-dir", System.getenv("IRONCLAD_DATA_DIR"));
    }

    /** H2 must not close itself at JVM exit before the context has flushed the events (see application.yml). */
    static final String H2_OPTIONS = ";DB_CLOSE_ON_EXIT=FALSE";

    /** The embedded database follows the data directory unless a database is configured. */
    public static Map<String, Object> embeddedDatabase(String dataDir) {
        boolean databaseConfigured = System.getenv("IRONCLAD_DB_URL") != null || System.getProperty("datasources.default.url") != null;
        if (dataDir == null || databaseConfigured) {
            return Map.of();
        }
        return Map.of("datasources.default.url", "jdbc:h2:file:" + Path.of(dataDir).toAbsolutePath() + "/metadata" + H2_OPTIONS);
    }
}
