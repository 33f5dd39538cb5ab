package io.ironclad.sidecar.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a walk got to: the last key whose page was completely handled, and the tally up to it.
 * Written after every page (to a temporary file renamed into place, so a crash leaves the old or
 * the new checkpoint, never half of one).
 *
 * @param verb the command that wrote it
 * @param scope {@link Scope#describe()} of the walk
 * @param lastKey the walk continues strictly after this key; empty before the first page
 * @param tally the counts so far
 * @param counters further counts a command keeps besides the tally (import: repositories, manifests, tags)
 */
public record Checkpoint(String verb, String scope, Optional<String> lastKey, Tally tally, Map<String, Long> counters) {

    public Checkpoint {
        counters = Map.copyOf(counters);
    }

    Checkpoint(String verb, String scope, Optional<String> lastKey, Tally tally) {
        this(verb, scope, lastKey, tally, Map.of());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The checkpoint in {@code file} for this walk, or a fresh start when the file does not exist or is empty. */
    public static Checkpoint load(Path file, String verb, String scope) throws CliException {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                return new Checkpoint(verb, scope, Optional.empty(), new Tally());
            }
            Map<String, Object> json = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
            if (!verb.equals(json.get("verb")) || !scope.equals(json.get("scope"))) {
                throw CliException.usage("checkpoint " + file + " belongs to '" + json.get("verb") + "' of " + json.get("scope")
                        + ", not to '" + verb + "' of " + scope + "; use another --checkpoint file");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> tally = (Map<String, Object>) json.getOrDefault("tally", Map.of());
            Map<String, Long> counters = new LinkedHashMap<>();
            if (json.get("counters") instanceof Map<?, ?> stored) {
                stored.forEach((name, count) -> counters.put(name.toString(), ((Number) count).longValue()));
            }
            return new Checkpoint(verb, scope, Optional.ofNullable((String) json.get("lastKey")), Tally.fromJson(tally), counters);
        } catch (IOException | ClassCastException | IllegalArgumentException e) {
            throw CliException.usage("cannot read checkpoint " + file + ": " + e.getMessage());
        }
    }

    /** Records that everything up to and including {@code key} is done. */
    static void save(Path file, String verb, String scope, String key, Tally tally) throws IOException {
        save(file, verb, scope, key, tally, Map.of());
    }

    /** As {@link #save(Path, String, String, String, Tally)}, with the command's further {@code counters}. */
    public static void save(Path file, String verb, String scope, String key, Tally tally, Map<String, Long> counters) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("verb", verb);
        json.put("scope", scope);
        json.put("lastKey", key);
        json.put("tally", tally.toJson());
        json.put("counters", counters);
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        JSON.writeValue(temp.toFile(), json);
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
