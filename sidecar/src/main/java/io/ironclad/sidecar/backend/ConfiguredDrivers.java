package io.ironclad.sidecar.backend;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.spi.DriverContext;
import io.ironclad.driver.spi.DriverPlan;
import io.ironclad.driver.spi.StorageDriverProviders;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.core.value.PropertyResolver;
import java.nio.file.Path;
import java.util.Map;

/**
 * The driver {@code ironclad.driver.type} names, built only through the driver SPI
 * ({@link StorageDriverProviders}): each driver module's provider binds its own
 * {@code ironclad.driver.<type>.*} settings, so the sidecar knows no driver's settings or
 * configuration class, and a missing or malformed setting fails startup with a message naming it.
 */
public final class ConfiguredDrivers {

    /** The setting naming the driver. */
    public static final String TYPE = StorageDriverProviders.TYPE;

    private static final StorageDriverProviders PROVIDERS = StorageDriverProviders.load();

    private ConfiguredDrivers() {
    }

    /** The providers on the class path. */
    public static StorageDriverProviders providers() {
        return PROVIDERS;
    }

    /** The checked, not yet connected driver {@code properties} configure; {@code dataDir} holds a local store. */
    public static DriverPlan plan(PropertyResolver properties, Path dataDir) {
        return PROVIDERS.plan(new PropertySettings(properties), new DriverContext(dataDir));
    }

    /** The driver {@code properties} configure; one whose backend cannot be reached fails with the reason. */
    public static StorageDriver create(PropertyResolver properties, Path dataDir) {
        return create(plan(properties, dataDir));
    }

    /** The driver the flat {@code settings} (property name to value) configure. */
    public static StorageDriver create(Map<String, Object> settings, Path dataDir) {
        return create(new PropertySourcePropertyResolver(PropertySource.of("settings", settings)), dataDir);
    }

    /**
     * As {@link #create(PropertyResolver, Path)}, for the server: a driver that reaches its backend
     * when it is created and cannot is handled by {@code policy} ({@link BackendStartup}); the
     * others reach it on their first call, which the startup check makes.
     */
    static StorageDriver createForServer(PropertyResolver properties, Path dataDir, BackendSettings.StartupPolicy policy) {
        DriverPlan plan = plan(properties, dataDir);
        if (!plan.connectsOnCreate()) {
            return create(plan);
        }
        return BackendStartup.create(plan.name(), plan.capabilitiesBeforeConnect(), () -> create(plan), policy);
    }

    /** Fails with the reason when the endpoint, credentials or bucket are wrong. */
    private static StorageDriver create(DriverPlan plan) {
        try {
            return plan.create();
        } catch (StorageException e) {
            throw new IllegalStateException("cannot start the " + plan.name() + " driver for the " + plan.describe() + ": " + e.getMessage(), e);
        }
    }
}
