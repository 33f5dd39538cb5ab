package io.ironclad.sidecar;

import io.micronaut.runtime.Micronaut;
import java.nio.file.Path;
import java.util.Map;

/** Entry point: {@code serve} (the default) runs the registry sidecar. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].equals("serve")) {
            System.err.println("usage: ironclad [serve]  (unknown verb '" + args[0] + "')");
            System.exit(2);
        }
        Micronaut micronaut = Micronaut.build(args).mainClass(Application.class).banner(false);
        String dataDir = System.getProperty("ironclad.data-dir", System.getenv("IRONCLAD_DATA_DIR"));
        boolean databaseConfigured = System.getenv("IRONCLAD_DB_URL") != null || System.getProperty("datasources.default.url") != null;
        if (dataDir != null && !databaseConfigured) {
            // the embedded database follows the data directory unless a database is configured
            micronaut.properties(Map.of("datasources.default.url", "jdbc:h2:file:" + Path.of(dataDir).toAbsolutePath() + "/metadata"));
        }
        micronaut.start();
    }
}
