package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.StorageDriver;
import io.ironclad.swift.SwiftDriverConfig;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverSettingsTest {

    @Test
    void filesystemUnderTheDataDirectoryIsTheDefault(@TempDir Path dir) throws Exception {
        try (StorageDriver driver = DriverSettings.create(Map.of(), dir)) {
            assertThat(driver.name()).isEqualTo("filesystem");
            assertThat(Files.isDirectory(dir.resolve("store"))).isTrue();
        }
    }

    @Test
    void swiftSettingsBecomeTheDriverConfig() {
        Map<String, Object> settings = swift();
        settings.put("ironclad.driver.swift.container", "layers");
        settings.put("ironclad.driver.swift.segment-size", "1048576");
        settings.put("ironclad.driver.swift.pool-size", "8");
        settings.put("ironclad.driver.swift.request-timeout", "30s");
        SwiftDriverConfig config = swiftConfig(settings);
        assertThat(config.authUrl()).isEqualTo(URI.create("http://swift:8080/auth/v1.0"));
        assertThat(config.authVersion()).isEqualTo(SwiftDriverConfig.AuthVersion.V1);
        assertThat(config.container()).isEqualTo("layers");
        assertThat(config.segmentsContainer()).isEqualTo("layers+segments");
        assertThat(config.segmentSize()).isEqualTo(1_048_576);
        assertThat(config.poolSize()).isEqualTo(8);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.connectTimeout()).isEqualTo(SwiftDriverConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void keystoneNeedsAProject() {
        Map<String, Object> settings = swift();
        settings.put("ironclad.driver.swift.auth-version", "v3");
        assertThatThrownBy(() -> swiftConfig(settings)).hasMessageContaining("ironclad.driver.swift.project");
        settings.put("ironclad.driver.swift.project", "registry");
        settings.put("ironclad.driver.swift.interface", "internal");
        SwiftDriverConfig config = swiftConfig(settings);
        assertThat(config.project()).isEqualTo("registry");
        assertThat(config.endpointInterface()).isEqualTo(SwiftDriverConfig.EndpointInterface.INTERNAL);
    }

    @Test
    void missingOrMalformedSettingsAreNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> DriverSettings.create(Map.of("ironclad.driver.type", "swift"), dir))
                .hasMessageContaining("missing required setting ironclad.driver.swift.auth-url")
                .hasMessageContaining("IRONCLAD_DRIVER_SWIFT_AUTH_URL");
        Map<String, Object> settings = swift();
        settings.put("ironclad.driver.swift.segment-size", "64MiB");
        assertThatThrownBy(() -> swiftConfig(settings)).hasMessageContaining("ironclad.driver.swift.segment-size must be a whole number");
        assertThatThrownBy(() -> DriverSettings.create(Map.of("ironclad.driver.type", "ftp"), dir))
                .hasMessageContaining("unknown ironclad.driver.type 'ftp'");
    }

    private static Map<String, Object> swift() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("ironclad.driver.type", "swift");
        settings.put("ironclad.driver.swift.auth-url", "http://swift:8080/auth/v1.0");
        settings.put("ironclad.driver.swift.user", "registry:writer");
        settings.put("ironclad.driver.swift.key", "secret");
        return settings;
    }

    private static SwiftDriverConfig swiftConfig(Map<String, Object> settings) {
        return DriverSettings.swiftConfig(new PropertySourcePropertyResolver(PropertySource.of("test", settings)));
    }
}
