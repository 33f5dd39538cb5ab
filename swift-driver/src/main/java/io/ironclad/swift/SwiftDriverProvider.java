package io.ironclad.swift;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.spi.DriverContext;
import io.ironclad.driver.spi.DriverPlan;
import io.ironclad.driver.spi.SettingsView;
import io.ironclad.driver.spi.StorageDriverProvider;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ironclad.driver.type=swift}: binds {@code ironclad.driver.swift.*} into a
 * {@link SwiftDriverConfig}, whose record holds every default not declared here. The driver
 * authenticates on its first call, not when created.
 */
public final class SwiftDriverProvider implements StorageDriverProvider {

    public static final String TYPE = "swift";
    private static final String P = SETTINGS_PREFIX + TYPE + ".";
    public static final String CONTAINER = P + "container";
    public static final String CREATE_CONTAINERS = P + "create-containers";
    public static final String DEFAULT_CONTAINER = "ironclad";
    public static final String DEFAULT_AUTH_VERSION = "v1";
    public static final String DEFAULT_INTERFACE = "public";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverPlan plan(SettingsView settings, DriverContext context) {
        return new Plan(config(settings));
    }

    /** A tool that only reads must not create a mistyped container. */
    @Override
    public Map<String, String> inspectionDefaults() {
        return Map.of(CREATE_CONTAINERS, "false");
    }

    /** The Swift driver configuration in {@code settings} ({@code ironclad.driver.swift.*}). */
    public static SwiftDriverConfig config(SettingsView settings) {
        var authUrl = java.net.URI.create(settings.required(P + "auth-url"));
        String user = settings.required(P + "user");
        String key = settings.required(P + "key");
        String container = settings.string(CONTAINER, DEFAULT_CONTAINER);
        String authVersion = settings.string(P + "auth-version", DEFAULT_AUTH_VERSION);
        SwiftDriverConfig config = switch (authVersion.toLowerCase(Locale.ROOT)) {
            case "v1", "1", "tempauth" -> SwiftDriverConfig.tempAuth(authUrl, user, key, container);
            case "v3", "3", "keystone" -> SwiftDriverConfig.keystoneV3(authUrl, user, key, settings.required(P + "project"), container)
                    .withDomains(settings.string(P + "project-domain", SwiftDriverConfig.DEFAULT_DOMAIN),
                            settings.string(P + "user-domain", SwiftDriverConfig.DEFAULT_DOMAIN))
                    .withEndpoint(settings.string(P + "region", ""), SwiftDriverConfig.EndpointInterface.valueOf(
                            settings.string(P + "interface", DEFAULT_INTERFACE).toUpperCase(Locale.ROOT)));
            default -> throw new IllegalStateException(P + "auth-version must be v1 or v3, got '" + authVersion + "'");
        };
        config = config.withSegmentsContainer(settings.string(P + "segments-container", config.segmentsContainer()))
                .withSegmentSize(settings.number(P + "segment-size", config.segmentSize()))
                .withPoolSize((int) settings.number(P + "pool-size", config.poolSize()))
                .withTimeouts(settings.duration(P + "connect-timeout", config.connectTimeout()),
                        settings.duration(P + "request-timeout", config.requestTimeout()));
        return config.withCreateContainers(settings.flag(CREATE_CONTAINERS, config.createContainers()))
                .withConditionalCreate(settings.flag(P + "conditional-create", config.conditionalCreate()));
    }

    private record Plan(SwiftDriverConfig config) implements DriverPlan {

        @Override
        public String name() {
            return SwiftStorageDriver.NAME;
        }

        @Override
        public String describe() {
            return "swift store at " + config.authUrl() + " (container " + config.container() + ")";
        }

        @Override
        public boolean connectsOnCreate() {
            return false;
        }

        @Override
        public Capabilities capabilitiesBeforeConnect() {
            return SwiftStorageDriver.capabilities(config);
        }

        @Override
        public StorageDriver create() {
            return SwiftDrivers.create(config);
        }
    }
}
