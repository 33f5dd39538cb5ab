package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SwiftDriverConfigTest {

    private static final URI AUTH = URI.create("http://127.0.0.1:8080/auth/v1.0");

    @Test
    void tempAuthDefaults() {
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(AUTH, "test:tester", "testing", "blobs");
        assertThat(config.authVersion()).isEqualTo(SwiftDriverConfig.AuthVersion.V1);
        assertThat(config.segmentsContainer()).isEqualTo("blobs+segments");
        assertThat(config.segmentSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.poolSize()).isEqualTo(64);
        assertThat(config.createContainers()).isTrue();
        assertThat(config.conditionalCreate()).isTrue();
        assertThat(config.project()).isEmpty();
        assertThat(config.projectDomain()).isEqualTo("Default");
        assertThat(config.userDomain()).isEqualTo("Default");
        assertThat(config.region()).isEmpty();
        assertThat(config.endpointInterface()).isEqualTo(SwiftDriverConfig.EndpointInterface.PUBLIC);
    }

    @Test
    void keystoneDefaultsAndProjectRequired() {
        SwiftDriverConfig config = SwiftDriverConfig.keystoneV3(URI.create("https://keystone:5000/v3"), "registry", "secret", "ci", "blobs");
        assertThat(config.authVersion()).isEqualTo(SwiftDriverConfig.AuthVersion.V3);
        assertThat(config.project()).isEqualTo("ci");
        assertThatThrownBy(() -> SwiftDriverConfig.keystoneV3(URI.create("https://keystone:5000/v3"), "registry", "secret", "", "blobs"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project");
    }

    @Test
    void segmentSizeRespectsSwiftObjectLimit() {
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(AUTH, "u", "k", "blobs");
        assertThat(config.withSegmentSize(SwiftDriverConfig.MAX_SEGMENT_SIZE).segmentSize()).isEqualTo(5L * 1024 * 1024 * 1024);
        assertThatThrownBy(() -> config.withSegmentSize(SwiftDriverConfig.MAX_SEGMENT_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withSegmentSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containerNamesAreValidated() {
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(AUTH, "u", "k", "blobs");
        assertThatThrownBy(() -> config.withSegmentsContainer("blobs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withSegmentsContainer("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SwiftDriverConfig.tempAuth(AUTH, "u", "k", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringHidesTheKey() {
        assertThat(SwiftDriverConfig.tempAuth(AUTH, "test:tester", "s3cr3t", "blobs").toString())
                .contains("test:tester").doesNotContain("s3cr3t");
    }
}
