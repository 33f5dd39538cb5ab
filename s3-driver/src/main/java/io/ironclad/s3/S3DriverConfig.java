package io.ironclad.s3;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one S3 bucket. Start from {@link #of} (Ceph RGW, MinIO, any endpoint with static
 * keys) or {@link #aws} (AWS, default credential chain) and adjust with the {@code with...}
 * methods; every other setting has a default that suits a registry.
 *
 * @param endpoint the S3 endpoint, e.g. {@code http://127.0.0.1:7480}; empty for AWS (derived from the region)
 * @param region signing region (default {@code us-east-1}, which Ceph RGW and MinIO accept)
 * @param bucket the bucket objects live in
 * @param accessKey static access key; empty (with {@code secretKey}) to use the SDK's default
 *     credential chain (environment, profile, instance role)
 * @param secretKey static secret key; set exactly when {@code accessKey} is
 * @param pathStyle {@code http://host/bucket/key} addressing instead of {@code http://bucket.host/key}
 *     (default true: what RGW and MinIO need without wildcard DNS)
 * @param requestChecksums when uploads carry an SDK-computed CRC32 checksum (default
 *     {@link ChecksumMode#WHEN_REQUIRED}: never, so older RGW releases that know no trailing
 *     checksums accept the requests)
 * @param responseChecksums when the SDK validates checksums of responses (default
 *     {@link ChecksumMode#WHEN_REQUIRED}: never; Ironclad verifies content digests itself)
 * @param sendSha256Checksum send {@code x-amz-checksum-sha256} with every single-request put whose
 *     {@link io.ironclad.driver.PutOptions#contentDigest()} is a SHA-256, so a server with S3 additional checksums refuses
 *     a corrupted body (default true; sent only where the start-up probe saw the server refuse a
 *     wrong checksum, since some servers ignore the header and others reject it)
 * @param partSize puts larger than this become multipart uploads of parts this large, and
 *     server-side copies use parts this large (default 64 MiB, 5 MiB to 5 GiB)
 * @param freshnessEndpoint the authoritative endpoint, e.g. the master zone of a multisite RGW:
 *     writes, listings and {@linkplain io.ironclad.driver.ReadOptions#fresh() fresh} reads go there,
 *     plain reads to {@code endpoint}; empty when {@code endpoint} is itself authoritative
 * @param connectTimeout TCP connect timeout (default 10 s)
 * @param requestTimeout time for one request until its response headers arrive, which for a put
 *     includes sending its whole body (default 5 min, enough for a 5 GiB part at ~20 MB/s); also
 *     the longest a read stream may stall
 * @param maxConnections connections (including open read streams) per endpoint (default 64)
 * @param createBucket create {@code bucket} on start if it is missing (default false)
 * @param conditionalCreate whether the server enforces {@code If-None-Match: *} (default
 *     {@link ConditionalCreate#DETECT}: probe it when the driver is created)
 */
public record S3DriverConfig(
        Optional<URI> endpoint,
        String region,
        String bucket,
        Optional<String> accessKey,
        Optional<String> secretKey,
        boolean pathStyle,
        ChecksumMode requestChecksums,
        ChecksumMode responseChecksums,
        boolean sendSha256Checksum,
        long partSize,
        Optional<URI> freshnessEndpoint,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxConnections,
        boolean createBucket,
        ConditionalCreate conditionalCreate) {

    /** S3's smallest part of a multipart upload, except the last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest part, single put and single-request copy. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    public static final String DEFAULT_REGION = "us-east-1";
    public static final long DEFAULT_PART_SIZE = 64L * 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,254}");

    /** When the SDK computes or validates checksums (the SDK's own setting of the same name). */
    public enum ChecksumMode {
        /** Only where the operation requires one (e.g. Content-MD5 of a batch delete). */
        WHEN_REQUIRED,
        /** Wherever the operation supports one. */
        WHEN_SUPPORTED
    }

    /** Whether the server enforces {@code If-None-Match: *} on PutObject and CompleteMultipartUpload. */
    public enum ConditionalCreate {
        /** Probe it when the driver is created: two create-only puts and a create-only multipart completion. */
        DETECT,
        /** The server enforces it (AWS S3 since 2024); no probe. */
        ENFORCED,
        /** The server does not; the driver reports no {@link io.ironclad.driver.Capability#CONDITIONAL_CREATE}. */
        UNSUPPORTED
    }

    public S3DriverConfig {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(requestChecksums, "requestChecksums is null");
        requireNonNull(responseChecksums, "responseChecksums is null");
        requireNonNull(freshnessEndpoint, "freshnessEndpoint is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(conditionalCreate, "conditionalCreate is null");
        endpoint.ifPresent(uri -> requireHttpUri("endpoint", uri));
        freshnessEndpoint.ifPresent(uri -> requireHttpUri("freshnessEndpoint", uri));
        if (region.isBlank()) {
            throw new IllegalArgumentException("region must not be blank (RGW and MinIO accept " + DEFAULT_REGION + ")");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("bucket must be 3..255 characters of [A-Za-z0-9._-] starting with a letter or digit, got '"
                    + bucket + "'");
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("set both accessKey and secretKey, or neither for the default credential chain");
        }
        if (accessKey.isPresent() && (accessKey.get().isEmpty() || secretKey.get().isEmpty())) {
            throw new IllegalArgumentException("accessKey and secretKey must not be empty; leave both unset for the default credential chain");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be " + MIN_PART_SIZE + ".." + MAX_PART_SIZE
                    + " (S3's 5 MiB minimum and 5 GiB maximum part size), got " + partSize);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, got connect " + connectTimeout + ", request " + requestTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
    }

    /** {@code bucket} at {@code endpoint} with static keys (Ceph RGW, MinIO), everything else default. */
    public static S3DriverConfig of(URI endpoint, String bucket, String accessKey, String secretKey) {
        return new S3DriverConfig(Optional.of(requireNonNull(endpoint, "endpoint is null")), DEFAULT_REGION, bucket,
                Optional.of(requireNonNull(accessKey, "accessKey is null")), Optional.of(requireNonNull(secretKey, "secretKey is null")),
                true, ChecksumMode.WHEN_REQUIRED, ChecksumMode.WHEN_REQUIRED, true, DEFAULT_PART_SIZE, Optional.empty(),
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, false, ConditionalCreate.DETECT);
    }

    /** {@code bucket} on AWS in {@code region} with the default credential chain, everything else default. */
    public static S3DriverConfig aws(String region, String bucket) {
        return new S3DriverConfig(Optional.empty(), region, bucket, Optional.empty(), Optional.empty(),
                true, ChecksumMode.WHEN_REQUIRED, ChecksumMode.WHEN_REQUIRED, true, DEFAULT_PART_SIZE, Optional.empty(),
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, false, ConditionalCreate.DETECT);
    }

    public S3DriverConfig withEndpoint(Optional<URI> value) {
        return new S3DriverConfig(value, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withRegion(String value) {
        return new S3DriverConfig(endpoint, value, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withBucket(String value) {
        return new S3DriverConfig(endpoint, region, value, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withCredentials(String newAccessKey, String newSecretKey) {
        return new S3DriverConfig(endpoint, region, bucket, Optional.of(newAccessKey), Optional.of(newSecretKey), pathStyle,
                requestChecksums, responseChecksums, sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout,
                maxConnections, createBucket, conditionalCreate);
    }

    /** Drops the static keys: the SDK's default credential chain applies. */
    public S3DriverConfig withDefaultCredentials() {
        return new S3DriverConfig(endpoint, region, bucket, Optional.empty(), Optional.empty(), pathStyle, requestChecksums,
                responseChecksums, sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections,
                createBucket, conditionalCreate);
    }

    public S3DriverConfig withPathStyle(boolean value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, value, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withChecksums(ChecksumMode request, ChecksumMode response) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, request, response,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withSendSha256Checksum(boolean value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                value, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withPartSize(long value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, value, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withFreshnessEndpoint(Optional<URI> value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, value, connectTimeout, requestTimeout, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withTimeouts(Duration connect, Duration request) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connect, request, maxConnections, createBucket, conditionalCreate);
    }

    public S3DriverConfig withMaxConnections(int value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, value, createBucket, conditionalCreate);
    }

    public S3DriverConfig withCreateBucket(boolean value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, value, conditionalCreate);
    }

    public S3DriverConfig withConditionalCreate(ConditionalCreate value) {
        return new S3DriverConfig(endpoint, region, bucket, accessKey, secretKey, pathStyle, requestChecksums, responseChecksums,
                sendSha256Checksum, partSize, freshnessEndpoint, connectTimeout, requestTimeout, maxConnections, createBucket, value);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3DriverConfig[endpoint=" + endpoint.map(URI::toString).orElse("(AWS)") + ", region=" + region + ", bucket=" + bucket
                + ", accessKey=" + accessKey.orElse("(default chain)") + ", pathStyle=" + pathStyle
                + ", requestChecksums=" + requestChecksums + ", responseChecksums=" + responseChecksums
                + ", sendSha256Checksum=" + sendSha256Checksum + ", partSize=" + partSize
                + ", freshnessEndpoint=" + freshnessEndpoint.map(URI::toString).orElse("(none)")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxConnections=" + maxConnections
                + ", createBucket=" + createBucket + ", conditionalCreate=" + conditionalCreate + "]";
    }

    private static void requireHttpUri(String what, URI uri) {
        String scheme = uri.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an http(s) URI with a host, got '" + uri + "'");
        }
    }
}
