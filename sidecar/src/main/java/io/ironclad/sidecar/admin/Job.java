package io.ironclad.sidecar.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One operator command the server runs for the admin API; {@link #view()} is its JSON. */
final class Job {

    private final String id;
    private final String command;
    private final List<String> args;
    private final Instant startedAt;
    private final CompletableFuture<View> finished = new CompletableFuture<>();

    Job(String id, String command, List<String> args, Instant startedAt) {
        this.id = id;
        this.command = command;
        this.args = List.copyOf(args);
        this.startedAt = startedAt;
    }

    /**
     * A job as the API answers it.
     *
     * @param state {@code running} or {@code done}
     * @param exitCode the command's exit code (as the CLI's: 0, 1, 2, 3), null while running
     * @param summary the command's JSON summary, identical to what the CLI prints; null while
     *     running or when the command failed before it had one
     * @param error the command's one-line failure, if any
 * @param startedAt when it started (ISO-8601)
 * @param finishedAt when it ended (ISO-8601), null while running
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record View(String id, String command, List<String> args, String state, Integer exitCode, Map<String, Object> summary,
            String error, String startedAt, String finishedAt) {
    }

    String id() {
        return id;
    }

    String command() {
        return command;
    }

    List<String> args() {
        return args;
    }

    boolean done() {
        return finished.isDone();
    }

    CompletableFuture<View> finished() {
        return finished;
    }

    void finish(Instant at, int exitCode, Map<String, Object> summary, String error) {
        finished.complete(new View(id, command, args, "done", exitCode, summary, error, startedAt.toString(), at.toString()));
    }

    View view() {
        return finished.isDone() ? finished.join() : new View(id, command, args, "running", null, null, null, startedAt.toString(), null);
    }
}
