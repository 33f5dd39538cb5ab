package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dockerd as /work/shared/BACKENDS.md runs it (no iptables, no bridge, vfs), private to
 * a directory under the system temp directory (a unix socket path must stay short), driven by the
 * {@code docker} client, stopped by its process on close.
 */
final class Dockerd implements AutoCloseable {

    private final Process process;
    private final Path dir;

    private Dockerd(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static Dockerd start() throws IOException {
        Path dir = Files.createTempDirectory("ironclad-dockerd");
        Process process = new ProcessBuilder("dockerd", "--iptables=false", "--ip6tables=false", "--bridge=none",
                "--storage-driver=vfs", "--data-root", dir.resolve("root").toString(), "--exec-root", dir.resolve("exec").toString(),
                "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile", dir.resolve("docker.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        Dockerd dockerd = new Dockerd(process, dir);
        Await.until("dockerd answers on " + dir.resolve("docker.sock"), Duration.ofSeconds(60), () -> {
            assertThat(process.isAlive()).as("dockerd exited; see %s", dir.resolve("dockerd.log")).isTrue();
            return Files.exists(dir.resolve("docker.sock")) && dockerd.exec("version") == 0;
        });
        return dockerd;
    }

    /** Runs {@code docker args...} against this daemon; fails the test with its output unless it exits 0. Returns the output. */
    String docker(String... args) throws IOException, InterruptedException {
        List<String> output = new ArrayList<>();
        int exit = run(output, args);
        assertThat(exit).as("docker %s: %s", String.join(" ", args), output.get(0)).isZero();
        return output.get(0);
    }

    private int exec(String... args) {
        try {
            return run(new ArrayList<>(), args);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int run(List<String> output, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "--config", dir.resolve("config").toString(), "-H", "unix://" + dir.resolve("docker.sock")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_BUILDKIT", "0"); // the legacy builder: buildx is not packaged here
        Process docker = builder.start();
        try (InputStream in = docker.getInputStream()) {
            output.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        if (!docker.waitFor(5, TimeUnit.MINUTES)) {
            docker.destroyForcibly();
            return -1;
        }
        return docker.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
