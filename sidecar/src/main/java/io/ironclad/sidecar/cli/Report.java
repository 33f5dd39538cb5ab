package io.ironclad.sidecar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The JSON summary a command ends with, on stdout or in the {@code --report} file. */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** The counts and throughput of a walk; {@code seconds} is this run's duration, the rates count this run's work only. */
    static Map<String, Object> walkSummary(String command, Scope scope, String driver, Walk.Walked walked, double seconds) {
        Tally tally = walked.tally();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("driver", driver);
        json.put("scope", scope.describe());
        json.put("objects", tally.objects());
        json.put("bytes", tally.bytes());
        json.put("skippedKeys", tally.skippedCount());
        json.put("resumedObjects", walked.resumedObjects());
        json.put("seconds", round(seconds));
        double objects = tally.objects() - walked.resumedObjects();
        double bytes = tally.bytes() - walked.resumedBytes();
        json.put("objectsPerSecond", round(seconds > 0 ? objects / seconds : 0));
        json.put("mbPerSecond", round(seconds > 0 ? bytes / 1e6 / seconds : 0));
        return json;
    }

    static void write(Map<String, Object> summary, Optional<Path> file, PrintStream out) throws CliException {
        try {
            if (file.isPresent()) {
                JSON.writeValue(file.get().toFile(), summary);
            } else {
                out.println(JSON.writeValueAsString(summary));
            }
        } catch (IOException e) {
            throw CliException.usage("cannot write the report" + file.map(f -> " to " + f).orElse("") + ": " + e.getMessage());
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
