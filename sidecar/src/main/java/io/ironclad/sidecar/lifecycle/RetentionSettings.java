package io.ironclad.sidecar.lifecycle;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Retention rules, {@code ironclad.retention.*}. A tag is kept when it is one of the
 * {@code keep-last} most recently pushed tags of its repository, or when its name matches one of
 * {@code keep-patterns} (whole-name regular expressions); every other tag is deleted when the
 * rules are applied. With neither rule set nothing is ever deleted. The manifests that lose their
 * last tag are then collected by GC when {@code ironclad.gc.untagged-grace-period} is set.
 *
 * @param keepLast how many of each repository's most recent tags to keep (unset: no such rule)
 * @param keepPatterns tag names to keep regardless of age
 * @param enabled whether the sidecar applies the rules itself every {@code interval}
 * @param interval how often the rules are applied when enabled
 */
@ConfigurationProperties("ironclad.retention")
public record RetentionSettings(@Nullable Integer keepLast, @Bindable(defaultValue = "") List<String> keepPatterns,
        @Bindable(defaultValue = "false") boolean enabled, @Bindable(defaultValue = "24h") Duration interval) {

    public RetentionSettings {
        keepPatterns = keepPatterns == null ? List.of() : keepPatterns.stream().filter(p -> !p.isBlank()).toList();
        if (keepLast != null && keepLast < 0) {
            throw new IllegalArgumentException("ironclad.retention.keep-last must not be negative");
        }
        keepPatterns.forEach(Pattern::compile);   // a bad pattern fails the start, not the first run
    }

    Optional<Integer> last() {
        return Optional.ofNullable(keepLast);
    }

    /** Whether any rule is configured (without one, retention keeps everything). */
    boolean hasRules() {
        return keepLast != null || !keepPatterns.isEmpty();
    }

    boolean matchesPattern(String tag) {
        return keepPatterns.stream().anyMatch(p -> Pattern.matches(p, tag));
    }
}
