package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.tck.StorageDriverConformance;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The conformance kit against S3Proxy 2.6 started in this JVM (jclouds' in-memory
 * {@code transient} blob store, SigV4). Fast enough (S3Proxy starts in about a second) to run
 * untagged, in {@code -Dfast} runs too.
 *
 * <p>Deviations of S3Proxy 2.6, pinned below: it ignores {@code If-None-Match: *} on PutObject,
 * so the probe leaves {@link Capability#CONDITIONAL_CREATE} off and the kit asserts the
 * unsupported path; it answers 501 NotImplemented to {@code x-amz-checksum-sha256}, so the driver
 * does not send it; and it answers ListParts for completed and aborted uploads, which is why the
 * writer asks ListMultipartUploads whether an upload is open. It knows no flexible checksums, so
 * neither checksum setting can be {@code WHEN_SUPPORTED} against it. (Its {@code transient-nio2} store
 * keeps objects as files, so {@code a} and {@code a/b} cannot both exist; the jclouds
 * {@code transient} store used here has no such limit.)
 */
class S3ProxyConformanceTest extends StorageDriverConformance {

    private static S3DriverConfig config;
    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        config = S3ProxyServer.get().config("tck");
        driver = S3Drivers.create(config);
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }

    @Test
    void s3ProxyIgnoresIfNoneMatch() throws Exception {
        assertThat(driver.capabilities().has(Capability.CONDITIONAL_CREATE)).isFalse();
        ObjectKey key = key("if-none-match");
        try (StorageDriver trusting = S3Drivers.create(config.withConditionalCreate(S3DriverConfig.ConditionalCreate.ENFORCED))) {
            assertThat(trusting.capabilities().has(Capability.CONDITIONAL_CREATE)).isTrue();
            trusting.put(key, Payload.ofBytes(new byte[] {'a'}), PutOptions.DEFAULT);
            trusting.put(key, Payload.ofBytes(new byte[] {'b'}), new PutOptions(Map.of(), true));
            assertThat(readQuietly(key, ReadOptions.FRESH)).as("a create-only put overwrote").isEqualTo("b");
            trusting.delete(key);
        }
    }

    @Test
    void s3ProxyRejectsSha256Checksums() throws Exception {
        assertThat(((S3StorageDriver) driver).sendsSha256()).isFalse();
        ObjectKey key = key("checksum");
        String checksum = Base64.getEncoder().encodeToString(new byte[32]);
        try (S3Endpoint endpoint = S3Drivers.endpoint(config, config.endpoint())) {
            assertThatThrownBy(() -> endpoint.client().putObject(b -> b.bucket(config.bucket()).key(key.value()).checksumSHA256(checksum),
                    RequestBody.fromBytes(new byte[] {1})))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
        }
        String digest = "sha256:" + "00".repeat(32);
        driver.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.of(Map.of("ironclad-digest", digest)).withContentDigest(Digest.parse(digest)));
        assertThat(driver.stat(key, ReadOptions.FRESH).metadata("ironclad-digest")).as("stored without the header").contains(digest);
        driver.delete(key);
    }

    @Test
    void s3ProxyKnowsNoFlexibleChecksums() throws Exception {
        ObjectKey key = key("flexible");
        S3DriverConfig.ChecksumMode required = S3DriverConfig.ChecksumMode.WHEN_REQUIRED;
        S3DriverConfig.ChecksumMode supported = S3DriverConfig.ChecksumMode.WHEN_SUPPORTED;
        try (StorageDriver trailing = S3Drivers.create(config.withChecksums(supported, required))) {
            assertThatThrownBy(() -> trailing.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT))
                    .isInstanceOf(io.ironclad.driver.StorageException.class).hasMessageContaining("HTTP 400");
            assertThatThrownBy(() -> trailing.newWriter()).hasMessageContaining("HTTP 501 NotImplemented");
        }
        driver.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT);
        try (StorageDriver validating = S3Drivers.create(config.withChecksums(required, supported))) {
            assertThatThrownBy(() -> validating.open(key, ReadOptions.PLAIN)).hasMessageContaining("HTTP 501 NotImplemented");
        }
        driver.delete(key);
    }

    @Test
    void s3ProxyListsPartsOfAbortedUploads() throws Exception {
        ObjectKey key = key("aborted");
        try (S3Endpoint endpoint = S3Drivers.endpoint(config, config.endpoint())) {
            S3Multipart multipart = new S3Multipart(endpoint, config.bucket(), config.partSize(), false);
            String uploadId = multipart.create(key, Map.of());
            multipart.abort(key, uploadId);
            endpoint.client().listParts(b -> b.bucket(config.bucket()).key(key.value()).uploadId(uploadId));
            assertThat(multipart.isOpen(key, uploadId)).isFalse();
        }
    }
}
