package io.ironclad.driver.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The {@link StorageDriverProvider}s on the class path, found through {@link ServiceLoader}. */
public final class StorageDriverProviders {

    /** The setting naming the driver; {@value #DEFAULT_TYPE} when unset. */
    public static final String TYPE = StorageDriverProvider.SETTINGS_PREFIX + "type";
    public static final String DEFAULT_TYPE = "filesystem";

    private final Map<String, StorageDriverProvider> byType;

    private StorageDriverProviders(Map<String, StorageDriverProvider> byType) {
        this.byType = byType;
    }

    /** The providers {@code loader} sees. */
    public static StorageDriverProviders load(ClassLoader loader) {
        Map<String, StorageDriverProvider> byType = new TreeMap<>();
        for (StorageDriverProvider provider : ServiceLoader.load(StorageDriverProvider.class, loader)) {
            StorageDriverProvider previous = byType.putIfAbsent(provider.type(), provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new IllegalStateException("two storage driver providers of type '" + provider.type() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return new StorageDriverProviders(byType);
    }

    /** The providers this class's loader sees. */
    public static StorageDriverProviders load() {
        return load(StorageDriverProviders.class.getClassLoader());
    }

    /** The type {@code settings} name ({@value #TYPE}, lower case), {@value #DEFAULT_TYPE} when unset. */
    public static String type(SettingsView settings) {
        return settings.string(TYPE, DEFAULT_TYPE).toLowerCase(Locale.ROOT);
    }

    /**
     * The provider {@code settings} select.
     *
     * @throws IllegalStateException naming the known types when none is registered for it
     */
    public StorageDriverProvider provider(SettingsView settings) {
        String type = type(settings);
        StorageDriverProvider provider = byType.get(type);
        if (provider == null) {
            throw new IllegalStateException("unknown " + TYPE + " '" + type + "' (known: " + String.join(", ", types()) + ")");
        }
        return provider;
    }

    /** The plan of the driver {@code settings} configure. */
    public DriverPlan plan(SettingsView settings, DriverContext context) {
        return provider(settings).plan(settings, context);
    }

    /** The registered types, sorted. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Every provider's {@link StorageDriverProvider#inspectionDefaults()}. */
    public Map<String, String> inspectionDefaults() {
        Map<String, String> defaults = new TreeMap<>();
        byType.values().forEach(provider -> defaults.putAll(provider.inspectionDefaults()));
        return defaults;
    }
}
