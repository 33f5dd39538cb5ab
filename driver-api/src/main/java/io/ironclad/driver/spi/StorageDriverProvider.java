package io.ironclad.driver.spi;

import java.util.Map;

/**
 * Plugs one kind of store into Ironclad: a driver module registers its provider in
 * {@code META-INF/services/io.ironclad.driver.spi.StorageDriverProvider}, and the application finds
 * it by {@link #type()} through {@link StorageDriverProviders} ({@code ironclad.driver.type}). The
 * provider alone knows its settings, {@code ironclad.driver.<type>.*}: it binds them into its
 * driver's configuration record, where each default is declared once.
 */
public interface StorageDriverProvider {

    /** The prefix of every driver setting; a provider's own are {@code ironclad.driver.<type>.}. */
    String SETTINGS_PREFIX = "ironclad.driver.";

    /** The value of {@code ironclad.driver.type} that selects this provider, lower case ({@code swift}). */
    String type();

    /**
     * This provider's settings read from {@code settings}, checked but not yet connected.
     *
     * @param context what the application supplies besides the settings (its data directory)
     * @throws IllegalStateException naming the setting when one is missing or malformed
     */
    DriverPlan plan(SettingsView settings, DriverContext context);

    /**
     * Settings a tool that only reads the store applies unless told otherwise (setting name to
     * value), e.g. "do not create a missing container", so a mistyped name fails instead of
     * being created empty and found all good.
     */
    default Map<String, String> inspectionDefaults() {
        return Map.of();
    }

    /** The prefix of this provider's own settings ({@code ironclad.driver.swift.}). */
    default String settingsPrefix() {
        return SETTINGS_PREFIX + type() + ".";
    }
}
