package io.ironclad.s3;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.s3.S3Errors.Request;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Creates S3 {@link StorageDriver}s. */
public final class S3Drivers {

    /** The name of every S3 driver ({@link StorageDriver#name()}). */
    public static final String NAME = S3StorageDriver.NAME;

    private S3Drivers() {
    }

    /**
     * What a driver for {@code config} guarantees at least, known without asking the server: all it
     * will have except {@link io.ironclad.driver.Capability#CONDITIONAL_CREATE} when that is to be
     * detected. For a stand-in while the server cannot be reached at start.
     */
    public static Capabilities capabilitiesBeforeProbe(S3DriverConfig config) {
        return S3StorageDriver.capabilities(config, config.conditionalCreate() == S3DriverConfig.ConditionalCreate.ENFORCED);
    }

    /**
     * A driver for {@code config}'s bucket. Checks that the bucket exists (creating it if
     * configured) and probes the server with a handful of small requests under
     * {@code _ironclad/probes/}: with {@link S3DriverConfig.ConditionalCreate#DETECT} whether it
     * enforces {@code If-None-Match: *}, and with {@link S3DriverConfig#sendSha256Checksum()}
     * whether it refuses a body whose {@code x-amz-checksum-sha256} is wrong (the header is
     * sent only to servers that do).
     *
     * @throws StorageException if the endpoint cannot be reached, the credentials are refused or
     *     the bucket is missing
     */
    public static StorageDriver create(S3DriverConfig config) throws StorageException {
        requireNonNull(config, "config is null");
        S3Endpoint nearby = endpoint(config, config.endpoint());
        S3Endpoint primary = config.freshnessEndpoint().isPresent() ? endpoint(config, config.freshnessEndpoint()) : nearby;
        try {
            requireBucket(config, primary);
            ServerProbe probe = new ServerProbe(primary, config.bucket());
            boolean conditionalCreate = switch (config.conditionalCreate()) {
                case DETECT -> probe.conditionalCreate();
                case ENFORCED -> true;
                case UNSUPPORTED -> false;
            };
            boolean sha256 = config.sendSha256Checksum() && probe.verifiesSha256();
            return new S3StorageDriver(config, primary, nearby, conditionalCreate, sha256);
        } catch (StorageException | RuntimeException e) {
            primary.close();
            if (nearby != primary) {
                nearby.close();
            }
            throw e;
        }
    }

    /** The clients of one endpoint over one connection pool. */
    static S3Endpoint endpoint(S3DriverConfig config, Optional<URI> endpoint) {
        SdkHttpClient http = ApacheHttpClient.builder()
                .connectionTimeout(config.connectTimeout())
                .socketTimeout(config.requestTimeout())
                .maxConnections(config.maxConnections())
                .build();
        return new S3Endpoint(client(config, endpoint, http, true), client(config, endpoint, http, false), http);
    }

    /** One synchronous client; retries are left to the caller (ConsistentStore), where every one is counted. */
    private static S3Client client(S3DriverConfig config, Optional<URI> endpoint, SdkHttpClient http, boolean chunkedBodies) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials(config))
                .httpClient(http)
                // SDK 2.30 began adding CRC32 trailers to every upload (aws-chunked) and validating
                // response checksums by default (responseChecksums opts back in); RGW Pacific and S3Proxy do not speak the trailers, and
                // integrity is ours to verify (sha256 of every body), so only what an operation requires
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(config.responseChecksums() == S3DriverConfig.ChecksumMode.WHEN_SUPPORTED
                        ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder()
                        .chunkedEncodingEnabled(chunkedBodies)
                        .build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(config.requestTimeout()));
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3DriverConfig config) {
        if (config.accessKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElseThrow()));
        }
        return DefaultCredentialsProvider.create();
    }

    private static void requireBucket(S3DriverConfig config, S3Endpoint endpoint) throws StorageException {
        S3Client client = endpoint.client();
        String bucket = config.bucket();
        try {
            client.headBucket(b -> b.bucket(bucket));
            return;
        } catch (SdkException e) {
            if (!S3Errors.hasStatus(e, 404)) {
                throw S3Errors.map(S3StorageDriver.NAME, null, "HEAD bucket " + bucket, Request.OTHER, e, false);
            }
        }
        if (!config.createBucket()) {
            throw new StorageException(S3StorageDriver.NAME, null, "bucket " + bucket + " does not exist (createBucket is off)");
        }
        S3Errors.call(null, "CREATE bucket " + bucket, Request.OTHER, () -> client.createBucket(b -> {
            b.bucket(bucket);
            if (!config.region().equals(S3DriverConfig.DEFAULT_REGION)) {
                b.createBucketConfiguration(c -> c.locationConstraint(config.region()));
            }
        }));
    }
}
