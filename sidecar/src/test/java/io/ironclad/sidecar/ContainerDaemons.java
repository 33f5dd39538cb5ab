package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** dockerd and containerd private to one directory each, started for a test and stopped by their process. */
final class ContainerDaemons {

    private ContainerDaemons() {
    }

    /** Debian's dockerd as BACKENDS.md runs it, private to one directory, stopped by PID. */
    record Dockerd(Process process, Path dir) implements AutoCloseable {
        static Dockerd start(Path dir) throws Exception {
            return start(dir, "{}");
        }

        /** With {@code daemonJson} as its {@code --config-file} (e.g. {@code registry-mirrors}). */
        static Dockerd start(Path dir, String daemonJson) throws Exception {
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("daemon.json"), daemonJson);
            Process process = new ProcessBuilder("dockerd", "--config-file", config.toString(), "--iptables=false", "--ip6tables=false",
                    "--bridge=none", "--storage-driver=vfs", "--data-root", dir.resolve("root").toString(), "--exec-root",
                    dir.resolve("exec").toString(), "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile", dir.resolve("docker.pid").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
            Dockerd dockerd = new Dockerd(process, dir);
            awaitSocket(process, dir.resolve("docker.sock"), dockerd.command("version"));
            return dockerd;
        }

        List<String> command(String... args) {
            List<String> command = new ArrayList<>(List.of("docker", "--config", dir.resolve("config").toString(), "-H", "unix://" + dir.resolve("docker.sock")));
            command.addAll(List.of(args));
            return command;
        }

        @Override
        public void close() throws Exception {
            stop(process);
        }
    }

    /** containerd private to one directory, for ctr. */
    record Containerd(Process process, Path dir) implements AutoCloseable {
        static Containerd start(Path dir) throws Exception {
            Files.createDirectories(dir);
            Process process = new ProcessBuilder("containerd", "--root", dir.resolve("root").toString(), "--state", dir.resolve("state").toString(),
                    "--address", dir.resolve("c.sock").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
            Containerd containerd = new Containerd(process, dir);
            awaitSocket(process, dir.resolve("c.sock"), containerd.ctr("version"));
            return containerd;
        }

        List<String> ctr(String... args) {
            List<String> command = new ArrayList<>(List.of("ctr", "-a", dir.resolve("c.sock").toString()));
            command.addAll(List.of(args));
            return command;
        }

        @Override
        public void close() throws Exception {
            stop(process);
        }
    }

    private static void awaitSocket(Process process, Path socket, List<String> probe) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            assertThat(process.isAlive()).as("%s exited", probe).isTrue();
            if (Files.exists(socket) && AuthClientsTestSupport.run(probe).exit() == 0) {
                return;
            }
            assertThat(Instant.now()).as("%s answered within 60 s", probe).isBefore(deadline);
            process.waitFor(200, TimeUnit.MILLISECONDS); // returns early if the daemon exits
        }
    }

    private static void stop(Process process) throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
