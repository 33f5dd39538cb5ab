package io.ironclad.sidecar.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags every command takes: they configure the store and database like the sidecar's
 * settings do and become {@code ironclad.*} settings that override the environment and
 * {@code application.yml}.
 */
final class StoreFlags {

    @Option(names = "--config", paramLabel = "FILE", description = "a configuration file, as -Dmicronaut.config.files=FILE")
    Path config;

    @Option(names = "--driver", paramLabel = "TYPE", description = "ironclad.driver.type: filesystem, swift, s3")
    String driver;

    @Option(names = "--container", paramLabel = "NAME", description = "ironclad.driver.swift.container")
    String container;

    @Option(names = "--bucket", paramLabel = "NAME", description = "ironclad.driver.s3.bucket")
    String bucket;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "ironclad.data-dir (filesystem store, default H2 database)")
    Path dataDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any other setting; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The {@code ironclad.*} (and other) settings these flags name, for {@link Backends}. */
    Map<String, Object> overrides() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (config != null) {
            overrides.put(Backends.CONFIG_FILES, config.toString());
        }
        put(overrides, "ironclad.driver.type", driver);
        put(overrides, "ironclad.driver.swift.container", container);
        put(overrides, "ironclad.driver.s3.bucket", bucket);
        put(overrides, "ironclad.data-dir", dataDir == null ? null : dataDir.toString());
        settings.forEach((key, value) -> overrides.put(key.trim(), value));
        return overrides;
    }

    /** Whether a flag names the store or database itself (not only where its settings live): then no running server is looked for. */
    boolean namesStore() {
        return driver != null || container != null || bucket != null || !settings.isEmpty();
    }

    private static void put(Map<String, Object> overrides, String key, String value) {
        if (value != null) {
            overrides.put(key, value);
        }
    }
}
