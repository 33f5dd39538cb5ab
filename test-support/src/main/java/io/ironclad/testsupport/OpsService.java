package io.ironclad.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real service brought up by one of the {@code ops/} scripts ({@code ops/swift/aio.sh},
 * {@code ops/ceph/rgw.sh}) for integration tests. If CI already started it, the script's
 * {@code IRONCLAD_*} settings are in the environment and are used as they are; otherwise the
 * script is started here once per JVM under {@code target/} and stopped by a shutdown hook.
 * Never skips: a service that cannot be reached or started fails the test that needs it.
 */
public final class OpsService {

    private static final Map<String, OpsService> RUNNING = new ConcurrentHashMap<>();

    private final Path script;
    private final Map<String, String> settings;

    private OpsService(Path script, Map<String, String> settings) {
        this.script = script;
        this.settings = Map.copyOf(settings);
    }

    /**
     * The service started by {@code ops/<script>}: from the environment when {@code marker} (one
     * of the settings the script prints) is set there, else started here with
     * {@code start <dir> <startArgs...>}.
     */
    public static OpsService get(String script, String marker, String... startArgs) {
        return RUNNING.computeIfAbsent(script + " " + String.join(" ", startArgs), key -> System.getenv(marker) != null
                ? new OpsService(locate(script), environment())
                : start(locate(script), startArgs));
    }

    /** A setting the script printed ({@code IRONCLAD_...}); fails if it did not print it. */
    public String setting(String name) {
        String value = settings.get(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: neither the environment nor " + script + " provided it");
        }
        return value;
    }

    /** Runs {@code script verb args...} (a fault control such as {@code stop-server}) and returns its stdout. */
    public String control(String verb, String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString(), verb));
        command.addAll(List.of(args));
        return run(command);
    }

    private static OpsService start(Path script, String... startArgs) {
        String name = script.getParent().getFileName() + "-" + script.getFileName().toString().replace(".sh", "");
        Path dir = Path.of("target", name).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(script.toString(), "start", dir.toString()));
        command.addAll(List.of(startArgs));
        Map<String, String> settings = parse(run(command));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of(script.toString(), "stop", dir.toString()))));
        return new OpsService(script, settings);
    }

    private static Map<String, String> environment() {
        Map<String, String> settings = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("IRONCLAD_")) {
                settings.put(name, value);
            }
        });
        return settings;
    }

    private static Map<String, String> parse(String output) {
        Map<String, String> settings = new HashMap<>();
        output.lines().filter(line -> line.matches("IRONCLAD_[A-Z0-9_]+=.*")).forEach(line -> {
            int eq = line.indexOf('=');
            settings.put(line.substring(0, eq), line.substring(eq + 1));
        });
        return settings;
    }

    private static Path locate(String script) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("ops").resolve(script))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("ops/" + script + " not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("ops").resolve(script);
    }

    /**
     * Runs a command and returns its stdout; fails with its output if it fails or takes over 3
     * minutes. Both streams go to files, so a script that hangs (or leaves a child holding its
     * stdout) fails the caller at the deadline instead of blocking a read forever.
     */
    public static String run(List<String> command) {
        try {
            Path out = Files.createTempFile("ops-service", ".out");
            Path err = Files.createTempFile("ops-service", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean finished = process.waitFor(3, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException(command + (finished ? " failed (exit " + process.exitValue() + "): " : " still running after 3 minutes: ")
                        + stderr + stdout);
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException(command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }
}
