package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a client command line and checks that it succeeded, or failed saying what was expected. */
final class AuthClientsTestSupport {

    record Result(int exit, String output) {
    }

    private AuthClientsTestSupport() {
    }

    static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("%s timed out", command).isTrue();
        return new Result(process.exitValue(), command + ": " + output);
    }

    static void ok(Result result) {
        assertThat(result.exit()).as(result.output()).isZero();
    }

    /** Failed, and the output (lower-cased) contains {@code expected}. */
    static void fails(Result result, String expected) {
        assertThat(result.exit()).as(result.output()).isNotZero();
        assertThat(result.output().toLowerCase()).contains(expected);
    }
}
