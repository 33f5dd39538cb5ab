package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.Cli;
import io.micronaut.runtime.Micronaut;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point: {@code serve} (the default) runs the registry sidecar; {@code verify}, {@code import},
 * {@code backfill} and {@code gc} are the operator commands ({@link Cli}).
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        String verb = args.length == 0 ? "serve" : args[0];
        if (Cli.VERBS.contains(verb)) {
            // before anything logs: stdout is reserved for the command's JSON summary
            System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "logback-cli.xml"));
            System.exit(Cli.run(args, new CliBackends(), System.out, System.err, System.console() != null));
        }
        if (!verb.equals("serve")) {
            System.err.println("unknown command '" + verb + "'");
            System.err.println(Cli.USAGE);
            System.exit(2);
        }
        Micronaut micronaut = Micronaut.build(args).mainClass(Application.class).banner(false);
        micronaut.properties(embeddedDatabase(dataDirFromEnvironment()));
        micronaut.start();
    }

    /** {@code ironclad.data-dir} from {@code -D} or the environment, null when neither sets it. */
    static String dataDirFromEnvironment() {
        return System.getProperty("ironclad.data-dir", System.getenv("IRONCLAD_DATA_DIR"));
    }

    /** H2 must not close itself at JVM exit before the context has flushed the events (see application.yml). */
    static final String H2_OPTIONS = ";DB_CLOSE_ON_EXIT=FALSE";

    /** The embedded database follows the data directory unless a database is configured. */
    static Map<String, Object> embeddedDatabase(String dataDir) {
        boolean databaseConfigured = System.getenv("IRONCLAD_DB_URL") != null || System.getProperty("datasources.default.url") != null;
        if (dataDir == null || databaseConfigured) {
            return Map.of();
        }
        return Map.of("datasources.default.url", "jdbc:h2:file:" + Path.of(dataDir).toAbsolutePath() + "/metadata" + H2_OPTIONS);
    }
}
