package io.ironclad.sidecar;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.core.value.PropertyResolver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the {@code ironclad.driver.*} configuration into a {@link StorageDriver}. Every backend
 * setting is read here and nowhere else, so a missing or malformed one fails startup with a
 * message naming the property.
 */
final class DriverSettings {

    static final String TYPE = "ironclad.driver.type";
    private static final String SWIFT = "ironclad.driver.swift.";

    private final PropertyResolver properties;

    private DriverSettings(PropertyResolver properties) {
        this.properties = properties;
    }

    /** The driver {@code properties} configure; {@code dataDir} holds the filesystem store. */
    static StorageDriver create(PropertyResolver properties, Path dataDir) {
        return new DriverSettings(properties).driver(dataDir);
    }

    /** The driver the flat {@code settings} (property name to value) configure. */
    static StorageDriver create(Map<String, Object> settings, Path dataDir) {
        return create(new PropertySourcePropertyResolver(PropertySource.of("settings", settings)), dataDir);
    }

    private StorageDriver driver(Path dataDir) {
        String type = optional(TYPE).orElse("filesystem").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "memory" -> InMemoryDrivers.create();
            case "filesystem" -> FilesystemDrivers.create(FilesystemDriverConfig.defaults(dataDir.resolve("store")));
            case "swift" -> SwiftDrivers.create(swift());
            case "s3" -> throw new IllegalStateException("driver type s3 not wired yet");
            default -> throw new IllegalStateException("unknown " + TYPE + " '" + type + "' (known: filesystem, memory, swift, s3)");
        };
    }

    /** The Swift driver configuration in {@code properties} ({@code ironclad.driver.swift.*}). */
    static SwiftDriverConfig swiftConfig(PropertyResolver properties) {
        return new DriverSettings(properties).swift();
    }

    private SwiftDriverConfig swift() {
        URI authUrl = URI.create(required(SWIFT + "auth-url"));
        String user = required(SWIFT + "user");
        String key = required(SWIFT + "key");
        String container = optional(SWIFT + "container").orElse("ironclad");
        SwiftDriverConfig config = switch (optional(SWIFT + "auth-version").orElse("v1").toLowerCase(Locale.ROOT)) {
            case "v1", "1", "tempauth" -> SwiftDriverConfig.tempAuth(authUrl, user, key, container);
            case "v3", "3", "keystone" -> SwiftDriverConfig.keystoneV3(authUrl, user, key, required(SWIFT + "project"), container)
                    .withDomains(optional(SWIFT + "project-domain").orElse("Default"), optional(SWIFT + "user-domain").orElse("Default"))
                    .withEndpoint(optional(SWIFT + "region").orElse(""), SwiftDriverConfig.EndpointInterface.valueOf(
                            optional(SWIFT + "interface").orElse("public").toUpperCase(Locale.ROOT)));
            default -> throw new IllegalStateException(SWIFT + "auth-version must be v1 or v3, got '"
                    + optional(SWIFT + "auth-version").orElse("") + "'");
        };
        config = config.withSegmentsContainer(optional(SWIFT + "segments-container").orElse(config.segmentsContainer()))
                .withSegmentSize(number(SWIFT + "segment-size", config.segmentSize()))
                .withPoolSize((int) number(SWIFT + "pool-size", config.poolSize()))
                .withTimeouts(duration(SWIFT + "connect-timeout", config.connectTimeout()),
                        duration(SWIFT + "request-timeout", config.requestTimeout()));
        return config.withCreateContainers(properties.getProperty(SWIFT + "create-containers", Boolean.class, true))
                .withConditionalCreate(properties.getProperty(SWIFT + "conditional-create", Boolean.class, true));
    }

    private String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException("missing required setting " + name
                + " (environment variable " + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + ")"));
    }

    private Optional<String> optional(String name) {
        return properties.getProperty(name, String.class).filter(value -> !value.isBlank());
    }

    private long number(String name, long fallback) {
        return optional(name).map(value -> parse(name, value)).orElse(fallback);
    }

    private Duration duration(String name, Duration fallback) {
        return properties.getProperty(name, Duration.class).orElse(fallback);
    }

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, got '" + value + "'", e);
        }
    }
}
