package io.ironclad.s3;

import static java.util.Objects.requireNonNull;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The SDK clients of one endpoint, sharing its connection pool. Over plain HTTP the SDK signs a
 * streamed body as {@code aws-chunked}, which reads it once; Ceph RGW before Reef refuses an
 * empty body sent that way (400 XAmzContentSHA256Mismatch), so zero-length bodies go through a
 * second client that signs the (empty) payload's hash instead.
 */
final class S3Endpoint implements AutoCloseable {

    private final S3Client client;
    private final S3Client emptyBodies;
    private final SdkHttpClient http;

    S3Endpoint(S3Client client, S3Client emptyBodies, SdkHttpClient http) {
        this.client = requireNonNull(client, "client is null");
        this.emptyBodies = requireNonNull(emptyBodies, "emptyBodies is null");
        this.http = requireNonNull(http, "http is null");
    }

    /** The client for every request without a body or with a body of unknown size. */
    S3Client client() {
        return client;
    }

    /** The client for a request with a body of {@code length} bytes. */
    S3Client forBody(long length) {
        return length == 0 ? emptyBodies : client;
    }

    @Override
    public void close() {
        client.close();
        emptyBodies.close();
        http.close();
    }
}
