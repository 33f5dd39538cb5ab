package io.ironclad.sidecar.backend;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3Drivers;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.sidecar.backend.BackendSettings;
import io.ironclad.sidecar.backend.BackendStartup;
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
public final class DriverSettings {

    public static final String TYPE = "ironclad.driver.type";
    private static final String SWIFT = "ironclad.driver.swift.";
    private static final String S3 = "ironclad.driver.s3.";
    /** The filesystem store's directory; empty = {@code <ironclad.data-dir>/store}. */
    static final String FILESYSTEM_ROOT = "ironclad.driver.filesystem.root";

    private final PropertyResolver properties;

    private DriverSettings(PropertyResolver properties) {
        this.properties = properties;
    }

    /** The driver {@code properties} configure; {@code dataDir} holds the filesystem store. */
    public static StorageDriver create(PropertyResolver properties, Path dataDir) {
        return new DriverSettings(properties).driver(dataDir);
    }

    /**
     * As {@link #create(PropertyResolver, Path)}, for the server: a driver that reaches its backend
     * when it is created (S3, filesystem) and cannot is handled by {@code policy}
     * ({@link BackendStartup}); Swift reaches it on its first call, which the startup check makes.
     */
    static StorageDriver createForServer(PropertyResolver properties, Path dataDir, BackendSettings.StartupPolicy policy) {
        DriverSettings settings = new DriverSettings(properties);
        return switch (settings.type()) {
            case "filesystem" -> {
                FilesystemDriverConfig config = FilesystemDriverConfig.defaults(settings.filesystemRoot(dataDir));
                yield BackendStartup.create(config.name(), FilesystemDrivers.CAPABILITIES, () -> FilesystemDrivers.create(config), policy);
            }
            case "s3" -> {
                S3DriverConfig config = settings.s3();
                yield BackendStartup.create(S3Drivers.NAME, S3Drivers.capabilitiesBeforeProbe(config), () -> s3Driver(config), policy);
            }
            default -> settings.driver(dataDir);
        };
    }

    /** The driver the flat {@code settings} (property name to value) configure. */
    public static StorageDriver create(Map<String, Object> settings, Path dataDir) {
        return create(new PropertySourcePropertyResolver(PropertySource.of("settings", settings)), dataDir);
    }

    private String type() {
        return optional(TYPE).orElse("filesystem").toLowerCase(Locale.ROOT);
    }

    private StorageDriver driver(Path dataDir) {
        String type = type();
        return switch (type) {
            case "memory" -> InMemoryDrivers.create();
            case "filesystem" -> FilesystemDrivers.create(FilesystemDriverConfig.defaults(filesystemRoot(dataDir)));
            case "swift" -> SwiftDrivers.create(swift());
            case "s3" -> s3Driver(s3());
            default -> throw new IllegalStateException("unknown " + TYPE + " '" + type + "' (known: filesystem, memory, swift, s3)");
        };
    }

    /**
     * {@value #FILESYSTEM_ROOT}, or {@code store/} under the data directory: any directory, e.g. a
     * distribution {@code rootdirectory} whose plain files the driver then reads as legacy objects.
     */
    public Path filesystemRoot(Path dataDir) {
        return optional(FILESYSTEM_ROOT).map(Path::of).orElse(dataDir.resolve("store"));
    }

    /** The filesystem store's directory that {@code properties} configure. */
    public static Path filesystemRoot(PropertyResolver properties, Path dataDir) {
        return new DriverSettings(properties).filesystemRoot(dataDir);
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

    /** Fails startup with the reason when the endpoint, credentials or bucket are wrong. */
    private static StorageDriver s3Driver(S3DriverConfig config) {
        try {
            return S3Drivers.create(config);
        } catch (StorageException e) {
            throw new IllegalStateException("cannot start the s3 driver for " + config + ": " + e.getMessage(), e);
        }
    }

    /** The S3 driver configuration in {@code properties} ({@code ironclad.driver.s3.*}). */
    static S3DriverConfig s3Config(PropertyResolver properties) {
        return new DriverSettings(properties).s3();
    }

    private S3DriverConfig s3() {
        String bucket = optional(S3 + "bucket").orElse("ironclad");
        Optional<String> accessKey = optional(S3 + "access-key");
        // no endpoint: AWS, its endpoint derived from the region
        S3DriverConfig config = S3DriverConfig.aws(optional(S3 + "region").orElse(S3DriverConfig.DEFAULT_REGION), bucket)
                .withEndpoint(optional(S3 + "endpoint").map(URI::create));
        if (accessKey.isPresent()) {
            config = config.withCredentials(accessKey.get(), required(S3 + "secret-key"));
        }
        return config.withPathStyle(properties.getProperty(S3 + "path-style", Boolean.class, config.pathStyle()))
                .withChecksums(choice(S3 + "request-checksums", config.requestChecksums()),
                        choice(S3 + "response-checksums", config.responseChecksums()))
                .withSendSha256Checksum(properties.getProperty(S3 + "send-sha256-checksum", Boolean.class, config.sendSha256Checksum()))
                .withPartSize(number(S3 + "part-size", config.partSize()))
                .withFreshnessEndpoint(optional(S3 + "freshness-endpoint").map(URI::create))
                .withTimeouts(duration(S3 + "connect-timeout", config.connectTimeout()), duration(S3 + "request-timeout", config.requestTimeout()))
                .withMaxConnections((int) number(S3 + "max-connections", config.maxConnections()))
                .withCreateBucket(properties.getProperty(S3 + "create-bucket", Boolean.class, config.createBucket()))
                .withConditionalCreate(choice(S3 + "conditional-create", config.conditionalCreate()));
    }

    /** An enum setting written in any case, with dashes for underscores ({@code when-required}). */
    private <E extends Enum<E>> E choice(String name, E fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        String constant = value.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E candidate : fallback.getDeclaringClass().getEnumConstants()) {
            if (candidate.name().equals(constant)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " must be one of " + java.util.Arrays.toString(fallback.getDeclaringClass().getEnumConstants())
                .toLowerCase(Locale.ROOT).replace('_', '-') + ", got '" + value.get() + "'");
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
