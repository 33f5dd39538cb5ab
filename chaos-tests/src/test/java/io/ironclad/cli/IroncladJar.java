package io.ironclad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The real sidecar jar (built by the sidecar module's package phase) run as {@code java -jar ironclad-sidecar.jar ARGS}. */
final class IroncladJar {

    private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(3);
    private static final Duration START_DEADLINE = Duration.ofMinutes(3);
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** What a finished command left: its exit code, stdout and stderr. */
    record Run(int exitCode, String out, String err) {
        String firstErrLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private final Path jar = projectRoot().resolve("sidecar/target/ironclad-sidecar.jar");

    IroncladJar() {
        assertThat(jar).as("built by the sidecar module's package phase").isRegularFile();
    }

    /** Runs a command to its end. */
    Run run(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(args)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // stderr is small (one line or a few log lines); read stdout here and stderr after the exit
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("ironclad %s finished", List.of(args)).isTrue();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.exitValue(), out, err);
    }

    /** Starts {@code serve ARGS}, its output in {@code log}; waits until {@code /v2/} answers 200 on {@code port}. */
    Process serve(int port, Path log, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("serve", "--port", Integer.toString(port)));
        all.addAll(List.of(args));
        Process process = new ProcessBuilder(command(all.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (!answers200(client, URI.create("http://127.0.0.1:" + port + "/v2/"))) {
            assertThat(process.isAlive()).as("server alive (log %s: %s)", log, read(log)).isTrue();
            assertThat(System.nanoTime() - deadline).as("server answering within %s (log %s)", START_DEADLINE, log).isNegative();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return process;
    }

    /** SIGTERM, then wait for the graceful stop. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static boolean answers200(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static Path projectRoot() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("ironclad")) && Files.isDirectory(at.resolve("sidecar"))) {
                return at;
            }
        }
        throw new IllegalStateException("project root not found above " + Path.of("").toAbsolutePath());
    }
}
