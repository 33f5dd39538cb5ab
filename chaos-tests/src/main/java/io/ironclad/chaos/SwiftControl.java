package io.ironclad.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real faults on the Swift all-in-one: {@code ops/swift/aio.sh <verb> <dir> [server]}. */
final class SwiftControl {

    private final Path script;
    private final Path dir;

    SwiftControl(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /** {@code ops/swift/aio.sh} found in the current directory or above it. */
    static Path locateScript() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("ops/swift/aio.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("ops/swift/aio.sh not found above " + Path.of("").toAbsolutePath() + "; pass --aio");
    }

    /**
     * Runs the action; throws if the script fails or takes over two minutes (its output goes to a
     * file, so a hang cannot block a read). A server list ({@code object-1,object-2}) is one
     * script run per server, all at once: a whole tier stops or starts in the time of one server
     * (a start waits until the server answers, ~3 s here), not of four in turn.
     */
    void run(Action action) throws IOException, InterruptedException {
        List<String> servers = action.server().isEmpty() ? List.of("") : List.of(action.server().split(","));
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (String server : servers) {
                List<String> command = new ArrayList<>(List.of(script.toString(), action.verb(), dir.toString()));
                if (!server.isEmpty()) {
                    command.add(server);
                }
                Path output = Files.createTempFile("chaos-action", ".log");
                outputs.add(output);
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start());
            }
            for (int i = 0; i < processes.size(); i++) {
                Process process = processes.get(i);
                boolean finished = process.waitFor(2, TimeUnit.MINUTES);
                if (!finished) {
                    process.destroyForcibly();
                }
                if (!finished || process.exitValue() != 0) {
                    throw new IOException(process.info().commandLine().orElse(action.toString())
                            + (finished ? " failed: " : " still running after 2 minutes: ") + Files.readString(outputs.get(i), StandardCharsets.UTF_8));
                }
            }
        } finally {
            for (Path output : outputs) {
                Files.deleteIfExists(output);
            }
        }
    }
}
