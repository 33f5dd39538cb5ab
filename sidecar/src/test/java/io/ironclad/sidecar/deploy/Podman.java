package io.ironclad.sidecar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman as root with its own image store in one directory (vfs, no overlay mounts to
 * clean up), so a test neither sees nor changes the machine's images. Two settings this
 * machine needs and ordinary hosts do not mind: runc instead of crun (crun refuses the hybrid
 * cgroup hierarchy here) and explicit limits on open files and processes no higher than the
 * session's (podman asks for 1048576 open files, and raising a limit is not permitted here).
 */
final class Podman {

    private static final long TIMEOUT_SECONDS = 300;

    private final Path dir;

    Podman(Path dir) {
        this.dir = dir;
    }

    /** The result of one command: its exit status and its output (stdout and stderr together). */
    record Result(List<String> command, int exit, String output) {
        Result ok() {
            assertThat(exit).as("%s failed: %s", command, output).isZero();
            return this;
        }
    }

    /** {@code podman ARGS} against this store. */
    Result podman(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("run").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
                "--events-backend", "file", "--runtime", "runc"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The limit flags for {@code podman run} (see the class comment). */
    static List<String> ulimits() throws IOException, InterruptedException {
        String openFiles = run(List.of("sh", "-c", "ulimit -Hn")).ok().output().strip();
        return List.of("--ulimit", "nofile=" + openFiles + ":" + openFiles, "--ulimit", "nproc=4096:4096");
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ironclad-podman", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + " s: " + Files.readString(out));
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
