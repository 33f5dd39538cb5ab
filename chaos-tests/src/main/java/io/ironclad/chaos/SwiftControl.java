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

    /** Runs the action; throws if the script fails or takes over two minutes (its output goes to a file, so a hang cannot block a read). */
    void run(Action action) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString(), action.verb(), dir.toString()));
        if (!action.server().isEmpty()) {
            command.add(action.server());
        }
        Path output = Files.createTempFile("chaos-action", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean finished = process.waitFor(2, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            if (!finished || process.exitValue() != 0) {
                throw new IOException(command + (finished ? " failed: " : " still running after 2 minutes: ")
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
