package io.ironclad.sidecar.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.VerificationMode;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.DataDirectory;
import io.ironclad.sidecar.proxy.ProxySettings;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings records the store factory and the pull-through cache bind answer the defaults the
 * {@code @Value} fallbacks and application.yml gave before, and take a value as they did (the
 * verification mode in lower case, an empty cache directory as "under the data directory").
 */
class SettingsBindingTest {

    @Test
    void unsetSettingsHaveTheFormerDefaults(@TempDir Path dir) {
        try (ApplicationContext context = start(dir, Map.of())) {
            assertThat(context.getBean(VerificationSettings.class).verificationMode()).isEqualTo(VerificationMode.SPOOL);
            assertThat(context.getBean(ConsistencySettings.class))
                    .isEqualTo(new ConsistencySettings(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(2)));
            CacheSettings cache = context.getBean(CacheSettings.class);
            assertThat(cache.maxBytes()).isEqualTo(10_737_418_240L);
            assertThat(cache.directory(context.getBean(DataDirectory.class))).isEqualTo(dir.resolve("cache"));
            assertThat(context.getBean(ProxySettings.class)).isEqualTo(new ProxySettings("", "", "", "", false, Duration.ofMinutes(5),
                    Duration.ofHours(24), false, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 0));
        }
    }

    @Test
    void givenSettingsAreTakenAsBefore(@TempDir Path dir) {
        Map<String, Object> given = Map.of("ironclad.verification-mode", "stream", "ironclad.cache.dir", "",
                "ironclad.cache.max-bytes", "1048576", "ironclad.consistency.max-backoff", "500ms",
                "ironclad.proxy.tag-ttl", "1m", "ironclad.proxy.max-bytes", "4096");
        try (ApplicationContext context = start(dir, given)) {
            assertThat(context.getBean(VerificationSettings.class).verificationMode()).isEqualTo(VerificationMode.STREAM);
            assertThat(context.getBean(ConsistencySettings.class).maxBackoff()).isEqualTo(Duration.ofMillis(500));
            CacheSettings cache = context.getBean(CacheSettings.class);
            assertThat(cache.maxBytes()).isEqualTo(1_048_576L);
            assertThat(cache.directory(context.getBean(DataDirectory.class))).as("empty: under the data directory").isEqualTo(dir.resolve("cache"));
            ProxySettings proxy = context.getBean(ProxySettings.class);
            assertThat(proxy.tagTtl()).isEqualTo(Duration.ofMinutes(1));
            assertThat(proxy.maxBytes()).isEqualTo(4096);
        }
    }

    /** The sidecar's context without its HTTP server, on an in-memory store and database. */
    private static ApplicationContext start(Path dataDir, Map<String, Object> given) {
        Map<String, Object> props = new HashMap<>(given);
        props.put("datasources.default.url", "jdbc:h2:mem:settings-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        props.put("datasources.default.username", "sa");
        props.put("datasources.default.password", "");
        props.put("ironclad.driver.type", "provided");
        props.put("ironclad.data-dir", dataDir.toString());
        return ApplicationContext.builder().properties(props).singletons(InMemoryDrivers.create()).start();
    }
}
