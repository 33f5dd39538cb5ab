package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.s3.S3DriverConfig.ChecksumMode;
import io.ironclad.s3.S3DriverConfig.ConditionalCreate;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3DriverConfigTest {

    private static final URI RGW = URI.create("http://127.0.0.1:7480");

    @Test
    void defaultsSuitARegistryOnRgw() {
        S3DriverConfig config = S3DriverConfig.of(RGW, "registry", "AK", "SK");
        assertThat(config.endpoint()).contains(RGW);
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.bucket()).isEqualTo("registry");
        assertThat(config.accessKey()).contains("AK");
        assertThat(config.secretKey()).contains("SK");
        assertThat(config.pathStyle()).isTrue();
        assertThat(config.requestChecksums()).isEqualTo(ChecksumMode.WHEN_REQUIRED);
        assertThat(config.responseChecksums()).isEqualTo(ChecksumMode.WHEN_REQUIRED);
        assertThat(config.sendSha256Checksum()).isTrue();
        assertThat(config.partSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.freshnessEndpoint()).isEmpty();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxConnections()).isEqualTo(64);
        assertThat(config.createBucket()).isFalse();
        assertThat(config.conditionalCreate()).isEqualTo(ConditionalCreate.DETECT);
    }

    @Test
    void awsUsesTheDefaultCredentialChainAndNoEndpoint() {
        S3DriverConfig config = S3DriverConfig.aws("eu-west-1", "registry");
        assertThat(config.endpoint()).isEmpty();
        assertThat(config.accessKey()).isEmpty();
        assertThat(config.secretKey()).isEmpty();
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.withCredentials("AK", "SK").withDefaultCredentials()).isEqualTo(config);
    }

    @Test
    void withersChangeOneSetting() {
        S3DriverConfig base = S3DriverConfig.of(RGW, "registry", "AK", "SK");
        URI master = URI.create("http://127.0.0.1:7481");
        assertThat(base.withFreshnessEndpoint(Optional.of(master)).freshnessEndpoint()).contains(master);
        assertThat(base.withPartSize(5L << 20).partSize()).isEqualTo(5L << 20);
        assertThat(base.withChecksums(ChecksumMode.WHEN_SUPPORTED, ChecksumMode.WHEN_REQUIRED).requestChecksums())
                .isEqualTo(ChecksumMode.WHEN_SUPPORTED);
        assertThat(base.withConditionalCreate(ConditionalCreate.UNSUPPORTED).conditionalCreate()).isEqualTo(ConditionalCreate.UNSUPPORTED);
        assertThat(base.withPathStyle(false).withPathStyle(true)).isEqualTo(base);
        assertThat(base.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)).requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(base.withMaxConnections(3).maxConnections()).isEqualTo(3);
        assertThat(base.withCreateBucket(true).createBucket()).isTrue();
        assertThat(base.withSendSha256Checksum(false).sendSha256Checksum()).isFalse();
        assertThat(base.withRegion("zg").withBucket("other").withEndpoint(Optional.empty()).endpoint()).isEmpty();
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        S3DriverConfig base = S3DriverConfig.of(RGW, "registry", "AK", "SK");
        assertThatThrownBy(() -> base.withPartSize((5L << 20) - 1)).hasMessageContaining("partSize must be 5242880..5368709120");
        assertThatThrownBy(() -> base.withPartSize((5L << 30) + 1)).hasMessageContaining("partSize");
        assertThatThrownBy(() -> base.withBucket("ab")).hasMessageContaining("bucket must be 3..255");
        assertThatThrownBy(() -> base.withBucket("a/b/c")).hasMessageContaining("bucket");
        assertThatThrownBy(() -> base.withRegion(" ")).hasMessageContaining("region");
        assertThatThrownBy(() -> base.withEndpoint(Optional.of(URI.create("ftp://host")))).hasMessageContaining("endpoint must be an http(s) URI");
        assertThatThrownBy(() -> base.withFreshnessEndpoint(Optional.of(URI.create("/relative")))).hasMessageContaining("freshnessEndpoint");
        assertThatThrownBy(() -> base.withCredentials("AK", "")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> new S3DriverConfig(base.endpoint(), "us-east-1", "registry", Optional.of("AK"), Optional.empty(), true,
                ChecksumMode.WHEN_REQUIRED, ChecksumMode.WHEN_REQUIRED, true, 64L << 20, Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, false, ConditionalCreate.DETECT)).hasMessageContaining("set both accessKey and secretKey");
        assertThatThrownBy(() -> base.withTimeouts(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("timeouts must be positive");
        assertThatThrownBy(() -> base.withMaxConnections(0)).hasMessageContaining("maxConnections");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertThat(S3DriverConfig.of(RGW, "registry", "AK", "very-secret").toString()).contains("AK").doesNotContain("very-secret");
    }
}
