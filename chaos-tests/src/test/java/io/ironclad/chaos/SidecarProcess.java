package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The real sidecar jar (built by the sidecar module's package phase) as a child JVM on a fixed
 * port, data directory and database, so it can be killed with SIGKILL and started again on the
 * same state. Start time dominates the crash test, so the JVM runs with C1 only and, once
 * {@link #archiveClasses} has written one, a class-data-sharing archive of the sidecar's classes.
 */
final class SidecarProcess implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final Path jar;
    private final Path log;
    private final int port;
    private final Map<String, String> settings;
    private final Path archive;
    private Process process;
    private int starts;

    SidecarProcess(Path work, int port, Map<String, String> settings) throws IOException {
        this.jar = SideBySideTest.projectRoot().resolve("sidecar/target/ironclad-sidecar.jar");
        assertThat(jar).as("built by the sidecar module's package phase").isRegularFile();
        this.log = work.resolve("sidecar.log");
        // an archive only fits the jar it was made from
        this.archive = work.getParent().resolve("sidecar-classes-" + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
        this.port = port;
        this.settings = Map.copyOf(settings);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int starts() {
        return starts;
    }

    /** Starts the sidecar and waits until {@code /v2/} and {@code /health/readiness} answer 200; returns the time it took. */
    Duration start() throws IOException {
        return start(List.of());
    }

    private Duration start(List<String> jvmOptions) throws IOException {
        assertThat(process == null || !process.isAlive()).as("previous sidecar process gone").isTrue();
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (jvmOptions.isEmpty() && Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(jvmOptions);
        command.add("-Dmicronaut.server.port=" + port);
        command.add("-Dironclad.delete.enabled=true"); // the workloads delete tags; deletes are off by default
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString(), "serve"));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
        CrashClient client = new CrashClient(uri());
        long deadline = started + START_DEADLINE.toNanos();
        // polled every 20 ms rather than with a growing pause: start time is this test's main cost
        while (!(client.answers200("/v2/") && client.answers200("/health/readiness"))) {
            assertThat(process.isAlive()).as("sidecar process alive (log " + log + ")").isTrue();
            assertThat(System.nanoTime() - deadline).as("sidecar ready within " + START_DEADLINE + " (log " + log + ")").isNegative();
            LockSupport.parkNanos(POLL_NANOS);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Starts once with {@code -XX:ArchiveClassesAtExit}, stops gracefully so the JVM writes the
     * archive, and uses it for every later start (shared by the tests of one build).
     */
    void archiveClasses() throws IOException, InterruptedException {
        if (Files.isRegularFile(archive)) {
            return;
        }
        try (var stale = Files.newDirectoryStream(archive.getParent(), "sidecar-classes-*.jsa")) {
            for (Path old : stale) {
                Files.delete(old);   // made from an earlier jar: 50 MB each
            }
        }
        start(List.of("-XX:ArchiveClassesAtExit=" + archive));
        stop();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed sidecar exited").isTrue();
    }

    /** SIGTERM and wait: a graceful stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs an operator command of the same jar with the same settings; returns its stdout. */
    String command(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        Process run = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String out = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("command %s finished", List.of(args)).isTrue();
        assertThat(run.exitValue()).as("exit code of %s (stdout %s, log %s)", List.of(args), out, log).isZero();
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
