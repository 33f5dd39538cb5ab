package io.ironclad.sidecar.backend;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.spi.SettingsView;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Optional;

/**
 * The drivers' view of the sidecar's configuration (application.yml, environment variables,
 * {@code -D}, {@code micronaut.config.files}): Micronaut converts booleans and durations, so a
 * driver setting reads as every other setting of the sidecar does.
 */
public final class PropertySettings implements SettingsView {

    private final PropertyResolver properties;

    public PropertySettings(PropertyResolver properties) {
        this.properties = requireNonNull(properties, "properties is null");
    }

    @Override
    public Optional<String> string(String name) {
        return properties.getProperty(name, String.class).filter(value -> !value.isBlank());
    }

    @Override
    public Optional<Boolean> flag(String name) {
        return properties.getProperty(name, Boolean.class);
    }

    @Override
    public Optional<Duration> duration(String name) {
        return properties.getProperty(name, Duration.class);
    }
}
