package io.ironclad.driver.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A read-only, typed view of flat settings ({@code ironclad.driver.s3.bucket=layers}) through which
 * a {@link StorageDriverProvider} binds its own {@code ironclad.driver.<type>.*} settings. The
 * embedding application backs it with its configuration (the sidecar and its CLI with Micronaut's
 * environment, so environment variables, {@code -D} and config files all apply); {@link #of} backs
 * it with a map. Implementations supply the three lookups; the rest are conversions every
 * provider shares, so a malformed or missing value fails with a message naming the setting.
 */
public interface SettingsView {

    /** The value of {@code name}, empty when unset or blank. */
    Optional<String> string(String name);

    /** The value of {@code name} as a boolean; empty when unset (and, as the backing converts, when malformed). */
    Optional<Boolean> flag(String name);

    /** The value of {@code name} as a duration ({@code 30s}, {@code 5m}, {@code PT1M}); empty when unset. */
    Optional<Duration> duration(String name);

    /** Flat settings in a map (values as strings or typed), for tests and embedders without a configuration library. */
    static SettingsView of(java.util.Map<String, ?> settings) {
        return new MapSettingsView(settings);
    }

    /** The value of {@code name}, or {@code fallback} when unset or blank. */
    default String string(String name, String fallback) {
        return string(name).orElse(fallback);
    }

    /** The value of {@code name}; a missing one fails naming the setting and its environment variable. */
    default String required(String name) {
        return string(name).orElseThrow(() -> new IllegalStateException("missing required setting " + name
                + " (environment variable " + environmentName(name) + ")"));
    }

    /** The value of {@code name} as a boolean, or {@code fallback}. */
    default boolean flag(String name, boolean fallback) {
        return flag(name).orElse(fallback);
    }

    /** The value of {@code name} as a duration, or {@code fallback}. */
    default Duration duration(String name, Duration fallback) {
        return duration(name).orElse(fallback);
    }

    /** The value of {@code name} as a URI, if set. */
    default Optional<URI> uri(String name) {
        return string(name).map(URI::create);
    }

    /** The value of {@code name} as a whole number, or {@code fallback}; a malformed one fails naming it. */
    default long number(String name, long fallback) {
        return string(name).map(value -> {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException(name + " must be a whole number, got '" + value + "'", e);
            }
        }).orElse(fallback);
    }

    /** An enum setting written in any case, with dashes for underscores ({@code when-required}). */
    default <E extends Enum<E>> E choice(String name, E fallback) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return fallback;
        }
        String constant = value.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E candidate : fallback.getDeclaringClass().getEnumConstants()) {
            if (candidate.name().equals(constant)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " must be one of " + Arrays.toString(fallback.getDeclaringClass().getEnumConstants())
                .toLowerCase(Locale.ROOT).replace('_', '-') + ", got '" + value.get() + "'");
    }

    /** The environment variable that sets {@code name} ({@code IRONCLAD_DRIVER_SWIFT_AUTH_URL}). */
    static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
