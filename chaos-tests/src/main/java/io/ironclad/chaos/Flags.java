package io.ironclad.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code --name value} pairs of the command line. */
final class Flags {

    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    static Flags parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!name.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("expected --flag value, got '" + name + "'");
            }
            values.put(name.substring(2), args.get(i + 1));
        }
        return new Flags(values);
    }

    /** Fails on a flag not in {@code known}. */
    void allow(String... known) {
        Set<String> allowed = Set.of(known);
        values.keySet().stream().filter(name -> !allowed.contains(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("unknown flag --" + name);
        });
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) {
        return get(name).orElseThrow(() -> new IllegalArgumentException("--" + name + " is required"));
    }

    int intOr(String name, int fallback) {
        return get(name).map(Integer::parseInt).orElse(fallback);
    }

    long longOr(String name, long fallback) {
        return get(name).map(Long::parseLong).orElse(fallback);
    }
}
