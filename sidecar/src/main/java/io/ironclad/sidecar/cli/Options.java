package io.ironclad.sidecar.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's flags: {@code --name value}, {@code --name=value} or a bare {@code --name} for a
 * switch. Unknown flags, missing values and stray arguments are usage errors. The configuration
 * flags shared by every command become {@code ironclad.*} settings that override the environment.
 */
final class Options {

    /** Flags every command takes; they configure the store like the sidecar's settings do. */
    static final Set<String> CONFIG_FLAGS = Set.of("config", "driver", "container", "bucket", "data-dir", "set");

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches = new HashSet<>();
    private final List<String> settings = new ArrayList<>();

    private Options() {
    }

    static Options parse(List<String> args, Set<String> valued, Set<String> switchNames) throws CliException {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw CliException.usage("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (switchNames.contains(name) && eq < 0) {
                options.switches.add(name);
            } else if (valued.contains(name) || CONFIG_FLAGS.contains(name)) {
                String value = eq >= 0 ? arg.substring(eq + 1) : i + 1 < args.size() ? args.get(++i) : null;
                if (value == null || value.isEmpty()) {
                    throw CliException.usage("--" + name + " needs a value");
                }
                if (name.equals("set")) {
                    options.settings.add(value);
                } else if (options.values.put(name, value) != null) {
                    throw CliException.usage("--" + name + " given twice");
                }
            } else {
                throw CliException.usage("unknown flag '--" + name + "'");
            }
        }
        return options;
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    boolean has(String name) {
        return switches.contains(name);
    }

    int positive(String name, int fallback) throws CliException {
        Optional<String> value = value(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage("--" + name + " must be a whole number of at least 1, got '" + value.get() + "'");
    }

    Optional<Path> path(String name) {
        return value(name).map(Path::of);
    }

    /** The {@code ironclad.*} settings the configuration flags name, for {@link Backends}. */
    Map<String, Object> overrides() throws CliException {
        Map<String, Object> overrides = new LinkedHashMap<>();
        value("config").ifPresent(file -> overrides.put("micronaut.config.files", file));
        value("driver").ifPresent(type -> overrides.put("ironclad.driver.type", type));
        value("container").ifPresent(name -> overrides.put("ironclad.driver.swift.container", name));
        value("bucket").ifPresent(name -> overrides.put("ironclad.driver.s3.bucket", name));
        value("data-dir").ifPresent(dir -> overrides.put("ironclad.data-dir", dir));
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--set needs KEY=VALUE, got '" + setting + "'");
            }
            overrides.put(setting.substring(0, eq).trim(), setting.substring(eq + 1));
        }
        return overrides;
    }
}
