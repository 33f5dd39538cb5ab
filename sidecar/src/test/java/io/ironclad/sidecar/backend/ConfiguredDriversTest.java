package io.ironclad.sidecar.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.StorageDriver;
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3DriverProvider;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDriverProvider;
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

/**
 * The drivers the sidecar's configuration selects, built through the driver SPI with the settings
 * read by Micronaut ({@link PropertySettings}): the providers' bindings as the sidecar sees them.
 */
class ConfiguredDriversTest {

    @Test
    void filesystemUnderTheDataDirectoryIsTheDefault(@TempDir Path dir) throws Exception {
        try (StorageDriver driver = ConfiguredDrivers.create(Map.of(), dir)) {
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
        assertThatThrownBy(() -> ConfiguredDrivers.create(Map.of("ironclad.driver.type", "swift"), dir))
                .hasMessageContaining("missing required setting ironclad.driver.swift.auth-url")
                .hasMessageContaining("IRONCLAD_DRIVER_SWIFT_AUTH_URL");
        Map<String, Object> settings = swift();
        settings.put("ironclad.driver.swift.segment-size", "64MiB");
        assertThatThrownBy(() -> swiftConfig(settings)).hasMessageContaining("ironclad.driver.swift.segment-size must be a whole number");
        assertThatThrownBy(() -> ConfiguredDrivers.create(Map.of("ironclad.driver.type", "ftp"), dir))
                .hasMessageContaining("unknown ironclad.driver.type 'ftp'");
    }

    @Test
    void s3SettingsBecomeTheDriverConfig() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("ironclad.driver.s3.endpoint", "http://rgw-z2:7481");
        settings.put("ironclad.driver.s3.freshness-endpoint", "http://rgw-z1:7480");
        settings.put("ironclad.driver.s3.bucket", "layers");
        settings.put("ironclad.driver.s3.access-key", "AK");
        settings.put("ironclad.driver.s3.secret-key", "SK");
        settings.put("ironclad.driver.s3.part-size", "8388608");
        settings.put("ironclad.driver.s3.request-checksums", "when-supported");
        settings.put("ironclad.driver.s3.conditional-create", "unsupported");
        S3DriverConfig config = s3Config(settings);
        assertThat(config.endpoint()).contains(URI.create("http://rgw-z2:7481"));
        assertThat(config.freshnessEndpoint()).contains(URI.create("http://rgw-z1:7480"));
        assertThat(config.bucket()).isEqualTo("layers");
        assertThat(config.accessKey()).contains("AK");
        assertThat(config.secretKey()).contains("SK");
        assertThat(config.partSize()).isEqualTo(8_388_608);
        assertThat(config.requestChecksums()).isEqualTo(S3DriverConfig.ChecksumMode.WHEN_SUPPORTED);
        assertThat(config.responseChecksums()).isEqualTo(S3DriverConfig.ChecksumMode.WHEN_REQUIRED);
        assertThat(config.conditionalCreate()).isEqualTo(S3DriverConfig.ConditionalCreate.UNSUPPORTED);
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.pathStyle()).isTrue();
    }

    @Test
    void s3WithoutKeysUsesTheDefaultChainAndBadValuesAreNamed() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("ironclad.driver.s3.region", "eu-west-1");
        S3DriverConfig aws = s3Config(settings);
        assertThat(aws.endpoint()).isEmpty();
        assertThat(aws.accessKey()).isEmpty();
        assertThat(aws.region()).isEqualTo("eu-west-1");
        assertThat(aws.bucket()).isEqualTo("ironclad");
        settings.put("ironclad.driver.s3.access-key", "AK");
        assertThatThrownBy(() -> s3Config(settings)).hasMessageContaining("ironclad.driver.s3.secret-key");
        settings.put("ironclad.driver.s3.secret-key", "SK");
        settings.put("ironclad.driver.s3.conditional-create", "maybe");
        assertThatThrownBy(() -> s3Config(settings)).hasMessageContaining("ironclad.driver.s3.conditional-create must be one of")
                .hasMessageContaining("detect");
    }

    private static S3DriverConfig s3Config(Map<String, Object> settings) {
        return S3DriverProvider.config(new PropertySettings(new PropertySourcePropertyResolver(PropertySource.of("test", settings))));
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
        return SwiftDriverProvider.config(new PropertySettings(new PropertySourcePropertyResolver(PropertySource.of("test", settings))));
    }
}
