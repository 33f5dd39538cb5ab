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
public final class Report {

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
        putRates(json, tally.objects() - walked.resumedObjects(), tally.bytes() - walked.resumedBytes(), seconds);
        return json;
    }

    /** {@code seconds}, {@code objectsPerSecond} and {@code mbPerSecond} of this run's {@code objects} and {@code bytes}. */
    public static void putRates(Map<String, Object> json, double objects, double bytes, double seconds) {
        json.put("seconds", round(seconds));
        json.put("objectsPerSecond", round(seconds > 0 ? objects / seconds : 0));
        json.put("mbPerSecond", round(seconds > 0 ? bytes / 1e6 / seconds : 0));
    }

    public static void write(Map<String, Object> summary, Optional<Path> file, PrintStream out) throws CliException {
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

    public static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
