package io.ironclad.driver.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link SettingsView} over a map. Booleans read as {@link Boolean#parseBoolean}; durations as
 * ISO-8601 or {@code <n>ms|s|m|h|d}, as the sidecar's configuration writes them.
 */
final class MapSettingsView implements SettingsView {

    private static final Pattern SHORT_DURATION = Pattern.compile("(-?\\d+)(ms|s|m|h|d)");

    private final Map<String, ?> settings;

    MapSettingsView(Map<String, ?> settings) {
        this.settings = Map.copyOf(requireNonNull(settings, "settings is null"));
    }

    @Override
    public Optional<String> string(String name) {
        return Optional.ofNullable(settings.get(name)).map(Object::toString).filter(value -> !value.isBlank());
    }

    @Override
    public Optional<Boolean> flag(String name) {
        return string(name).map(value -> Boolean.parseBoolean(value.trim()));
    }

    @Override
    public Optional<Duration> duration(String name) {
        Object value = settings.get(name);
        if (value instanceof Duration duration) {
            return Optional.of(duration);
        }
        return string(name).map(text -> parse(name, text.trim()));
    }

    private static Duration parse(String name, String text) {
        Matcher matcher = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(name + " must be a duration (30s, 5m, PT1M), got '" + text + "'", e);
        }
    }
}
