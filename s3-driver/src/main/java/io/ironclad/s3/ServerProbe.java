package io.ironclad.s3;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.s3.S3Errors.Request;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Finds out what a server enforces, with probe objects under {@code _ironclad/probes/} that it
 * deletes again. Servers differ: AWS enforces both features; S3Proxy answers 501 NotImplemented
 * to {@code x-amz-checksum-sha256}; Ceph RGW before Reef ignores it.
 */
final class ServerProbe {

    private static final String PREFIX = "_ironclad/probes/";

    private final S3Endpoint endpoint;
    private final S3Client client;
    private final String bucket;

    ServerProbe(S3Endpoint endpoint, String bucket) {
        this.endpoint = endpoint;
        this.client = endpoint.client();
        this.bucket = bucket;
    }

    /** What the server answered to a request with a feature's header. */
    enum Answer {
        /** Stored: the header was ignored. */
        STORED,
        /** Refused the way the feature promises (412 for a condition, 400 BadDigest for a checksum). */
        ENFORCED,
        /** Refused the header itself (501 NotImplemented, 400 InvalidArgument). */
        REJECTED
    }

    /**
     * Whether {@code If-None-Match: *} is enforced both on PutObject and on
     * CompleteMultipartUpload: a create-only put of a new key, a second one of the same key,
     * and a create-only completion of a one-byte multipart upload to that key; enforced means
     * both repeats answer 412.
     */
    boolean conditionalCreate() throws StorageException {
        ObjectKey key = ObjectKey.of(PREFIX + UUID.randomUUID());
        try {
            return createOnlyPut(key) == Answer.STORED && createOnlyPut(key) == Answer.ENFORCED
                    && createOnlyComplete(key) == Answer.ENFORCED;
        } finally {
            delete(key);
        }
    }

    /** Whether a put whose {@code x-amz-checksum-sha256} does not match its body is refused. */
    boolean verifiesSha256() throws StorageException {
        ObjectKey key = ObjectKey.of(PREFIX + UUID.randomUUID());
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        try {
            client.putObject(b -> b.bucket(bucket).key(key.value()).checksumSHA256(wrong), RequestBody.fromBytes(new byte[] {'s'}));
            return false;
        } catch (SdkException e) {
            return classify(key, "PUT probe with a wrong x-amz-checksum-sha256", e, 400) == Answer.ENFORCED;
        } finally {
            delete(key);
        }
    }

    private Answer createOnlyPut(ObjectKey key) throws StorageException {
        try {
            client.putObject(b -> b.bucket(bucket).key(key.value()).ifNoneMatch("*"), RequestBody.fromBytes(new byte[] {'p'}));
            return Answer.STORED;
        } catch (SdkException e) {
            return classify(key, "create-only PUT probe", e, 412);
        }
    }

    private Answer createOnlyComplete(ObjectKey key) throws StorageException {
        S3Multipart multipart = new S3Multipart(endpoint, bucket, S3DriverConfig.MIN_PART_SIZE, false);
        String uploadId = multipart.create(key, Map.of());
        try {
            var part = multipart.uploadPart(key, uploadId, 1, PayloadBody.of(Payload.ofBytes(new byte[] {'m'})));
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key.value()).uploadId(uploadId).ifNoneMatch("*")
                    .multipartUpload(m -> m.parts(part)));
            return Answer.STORED;
        } catch (SdkException e) {
            return classify(key, "create-only CompleteMultipartUpload probe", e, 412);
        } finally {
            multipart.abortQuietly(key, uploadId);
        }
    }

    /** {@code enforcedStatus} means the feature worked; 501 and other 400s that the header is unknown. */
    private static Answer classify(ObjectKey key, String action, SdkException e, int enforcedStatus) throws StorageException {
        if (S3Errors.hasStatus(e, enforcedStatus) && (enforcedStatus != 400 || S3Errors.isChecksumMismatch(e))) {
            return Answer.ENFORCED;
        }
        if (S3Errors.hasStatus(e, 501) || S3Errors.hasStatus(e, 400)) {
            return Answer.REJECTED;
        }
        throw S3Errors.map(S3StorageDriver.NAME, key, action, Request.OTHER, e, false);
    }

    /**
     * Removes a probe object. Tried twice: a server that refused a probe before reading its body
     * (S3Proxy's Jetty) may close the connection the client then reuses for this DELETE.
     */
    private void delete(ObjectKey key) throws StorageException {
        try {
            S3Errors.call(key, "DELETE probe", Request.DELETE, () -> client.deleteObject(b -> b.bucket(bucket).key(key.value())));
        } catch (TransientStorageException e) {
            S3Errors.call(key, "DELETE probe", Request.DELETE, () -> client.deleteObject(b -> b.bucket(bucket).key(key.value())));
        }
    }
}
