package io.ironclad.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's contract: help on stdout with exit 0, usage errors with exit 2 and one line naming the command, serve's flags as settings. */
class CliTest {

    /** Records what the commands ask of the sidecar; nothing is reachable. */
    static final class Recording implements Backends {
        final List<Map<String, Object>> served = new ArrayList<>();

        @Override
        public void serve(Map<String, Object> overrides) {
            served.add(overrides);
        }

        @Override
        public StorageDriver driver(Map<String, Object> overrides) throws CliException {
            throw new CliException(CliException.UNREACHABLE, "no store here");
        }

        @Override
        public GcResult collect(Map<String, Object> overrides, boolean dryRun) throws CliException {
            throw new CliException(CliException.UNREACHABLE, "no database here");
        }

        @Override
        public List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) {
            return List.of();
        }

        @Override
        public io.ironclad.sidecar.cli.importer.ImportTarget importTarget(Map<String, Object> overrides) {
            throw new UnsupportedOperationException("these tests parse command lines; import runs against the sidecar's context");
        }

        @Override
        public java.util.Optional<io.ironclad.sidecar.lifecycle.RepositoryDeletion.Deleted> deleteRepository(
                Map<String, Object> overrides, String repository, boolean dryRun) {
            throw new UnsupportedOperationException("these tests parse command lines");
        }

        @Override
        public io.ironclad.sidecar.lifecycle.Retention.Report retention(Map<String, Object> overrides, boolean apply) {
            throw new UnsupportedOperationException("these tests parse command lines");
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    private final Recording backends = new Recording();

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, backends, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelpOnStdoutWithExitZeroAndStartsNothing() {
        for (String command : List.of("serve", "verify", "backfill", "gc")) {
            for (String flag : List.of("--help", "-h")) {
                Run run = run(command, flag);
                assertThat(run.exitCode()).as(command + " " + flag).isZero();
                assertThat(run.out()).startsWith("Usage: ironclad " + command);
                assertThat(run.err()).isEmpty();
            }
        }
        assertThat(run("help", "verify").out()).startsWith("Usage: ironclad verify").contains("--repository").contains("--quarantine");
        assertThat(run("--help").out()).contains("serve").contains("gc").contains("Exit codes:");
        assertThat(backends.served).isEmpty();
    }

    @Test
    void noArgumentsServe() {
        assertThat(run().exitCode()).isZero();
        assertThat(backends.served).hasSize(1);
    }

    @Test
    void serveFlagsBecomeTheSidecarSettings() {
        Run run = run("serve", "--port", "15001", "--host", "0.0.0.0", "--data-dir", "/srv/ironclad", "--config", "my.yml",
                "--set", "ironclad.delete.enabled=true");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(backends.served).containsExactly(Map.of("micronaut.server.port", 15001, "micronaut.server.host", "0.0.0.0",
                "ironclad.data-dir", "/srv/ironclad", Backends.CONFIG_FILES, "my.yml", "ironclad.delete.enabled", "true"));
    }

    @Test
    void mistakesAreExitTwoWithOneLineNamingTheCommandThenTheHelpHint() {
        assertUsage(run("gc", "--bogus"), "ironclad gc: Unknown option: '--bogus'");
        assertUsage(run("frob"), "ironclad: unknown command 'frob'");
        assertUsage(run("serve", "--port", "http"), "ironclad serve: Invalid value for option '--port': 'http' is not an int");
        assertUsage(run("serve", "--port", "70000"), "ironclad serve: --port must be between 0 and 65535, got 70000");
        assertUsage(run("verify", "--parallel", "0"), "ironclad verify: --parallel must be a whole number of at least 1, got '0'");
        assertUsage(run("verify", "--report"), "ironclad verify: Missing required parameter for option '--report' (FILE)");
        assertUsage(run("verify", "--prefix", "a", "--prefix", "b"), "ironclad verify: option '--prefix' (P) should be specified only once");
        assertUsage(run("backfill", "--set", "novalue"), "ironclad backfill: Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format but was novalue");
        assertUsage(run("gc", "--server", "http://127.0.0.1:1", "--direct"), "ironclad gc: give --server or --direct, not both");
        assertUsage(run("verify", "--server", "ftp://host"), "ironclad verify: --server needs an http(s) URL such as http://127.0.0.1:5000, got 'ftp://host'");
        assertUsage(run("verify", "--server", "http://127.0.0.1:1", "--checkpoint", "x"),
                "ironclad verify: --checkpoint needs direct access to the store; it cannot be used through a running server");
    }

    @Test
    void anUnreachableServerIsExitThreeNamingIt() {
        Run run = run("gc", "--server", "http://127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines().toList()).last().asString().startsWith("ironclad gc: cannot reach the server at http://127.0.0.1:1");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnreachableStoreIsExitThree() {
        Run run = run("verify", "--direct");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("ironclad verify: no store here" + System.lineSeparator());
    }

    private static void assertUsage(Run run, String firstLine) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        List<String> lines = run.err().lines().toList();
        assertThat(lines.get(0)).isEqualTo(firstLine);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("see 'ironclad").endsWith(" --help'");
        assertThat(run.out()).isEmpty();
    }
}
