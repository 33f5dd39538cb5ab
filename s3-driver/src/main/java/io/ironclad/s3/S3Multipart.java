package io.ironclad.s3;

import static io.ironclad.s3.S3Errors.call;
import static io.ironclad.s3.S3Errors.send;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.s3.S3Errors.Request;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * S3 multipart uploads: the primitives the writer uses, a large put streamed in one pass, and a
 * server-side copy of any size in parts ({@code UploadPartCopy}), which is also how a copy gets
 * an atomic create-only completion.
 */
final class S3Multipart {

    /** S3's most parts per upload. */
    static final int MAX_PARTS = 10_000;

    private final S3Endpoint endpoint;
    private final S3Client client;
    private final String bucket;
    private final long partSize;
    private final boolean checksumsWhenSupported;

    S3Multipart(S3Endpoint endpoint, String bucket, long partSize, boolean checksumsWhenSupported) {
        this.endpoint = endpoint;
        this.client = endpoint.client();
        this.bucket = bucket;
        this.partSize = partSize;
        this.checksumsWhenSupported = checksumsWhenSupported;
    }

    /** Starts an upload to {@code key}; returns its upload id. */
    String create(ObjectKey key, Map<String, String> metadata) throws StorageException {
        return call(key, "CreateMultipartUpload", Request.WRITE, () -> client.createMultipartUpload(b -> {
            b.bucket(bucket).key(key.value()).metadata(metadata);
            if (checksumsWhenSupported) {
                b.checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32);
            }
        }).uploadId());
    }

    /** Stores part {@code number}; returns it as CompleteMultipartUpload needs it. */
    CompletedPart uploadPart(ObjectKey key, String uploadId, int number, PayloadBody body) throws StorageException {
        UploadPartRequest.Builder request = UploadPartRequest.builder().bucket(bucket).key(key.value()).uploadId(uploadId)
                .partNumber(number).contentLength(body.length());
        if (checksumsWhenSupported) {
            request.checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32);
        }
        var response = send(key, "UploadPart " + number, Request.OTHER, body,
                () -> endpoint.forBody(body.length()).uploadPart(request.build(), body.requestBody()));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag()).checksumCRC32(response.checksumCRC32()).build();
    }

    /**
     * Assembles the parts into the object. With {@code createOnly} the completion carries
     * {@code If-None-Match: *} and fails with {@link io.ironclad.driver.ObjectAlreadyExistsException}
     * where the server enforces it.
     */
    CompleteMultipartUploadResponse complete(ObjectKey key, String uploadId, List<CompletedPart> parts, boolean createOnly)
            throws StorageException {
        CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder().bucket(bucket).key(key.value())
                .uploadId(uploadId).multipartUpload(m -> m.parts(parts));
        if (createOnly) {
            request.ifNoneMatch("*");
        }
        try {
            return client.completeMultipartUpload(request.build());
        } catch (SdkException e) {
            // the request was sent whole: if only the answer was lost, the object may exist
            throw S3Errors.map(S3StorageDriver.NAME, key, "CompleteMultipartUpload", createOnly ? Request.CREATE_ONLY_WRITE : Request.WRITE,
                    e, true);
        }
    }

    /** Abandons an upload and frees its parts; one already completed or aborted is fine. */
    void abort(ObjectKey key, String uploadId) throws StorageException {
        try {
            call(key, "AbortMultipartUpload", Request.DELETE, () -> client.abortMultipartUpload(b -> b.bucket(bucket).key(key.value())
                    .uploadId(uploadId)));
        } catch (io.ironclad.driver.ObjectNotFoundException gone) {
            // NoSuchUpload: completed or aborted before
        }
    }

    void abortQuietly(ObjectKey key, String uploadId) {
        try {
            abort(key, uploadId);
        } catch (StorageException ignored) {
            // the caller is already failing; an abandoned upload is what bucket lifecycle rules reap
        }
    }

    /**
     * Whether the upload is still open. Asked of the bucket's list of open uploads rather than
     * with ListParts, which S3Proxy answers for completed and aborted uploads too.
     */
    boolean isOpen(ObjectKey key, String uploadId) throws StorageException {
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            String keys = keyMarker;
            String ids = uploadIdMarker;
            var page = call(key, "ListMultipartUploads", Request.READ, () -> client.listMultipartUploads(b -> b.bucket(bucket)
                    .prefix(key.value()).keyMarker(keys).uploadIdMarker(ids)));
            if (page.uploads().stream().anyMatch(upload -> upload.key().equals(key.value()) && upload.uploadId().equals(uploadId))) {
                return true;
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return false;
            }
            keyMarker = page.nextKeyMarker();
            uploadIdMarker = page.nextUploadIdMarker();
        }
    }

    /**
     * Puts {@code payload} as parts of {@link #partSize(long) partSize} bytes, reading it once
     * from start to end (a request body that cannot be replayed works), and completes the upload.
     */
    ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        long size = payload.size();
        long part = partSize(size);
        String uploadId = create(key, options.userMetadata());
        boolean completed = false;
        try (InputStream in = payload.open()) {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += part, number++) {
                parts.add(uploadPart(key, uploadId, number, PayloadBody.next(in, Math.min(part, size - offset))));
            }
            CompleteMultipartUploadResponse response = complete(key, uploadId, parts, options.createOnly());
            completed = true;
            return new ObjectInfo(key, size, S3Metadata.etag(response.eTag()), S3Metadata.lastModified(null, response),
                    options.userMetadata());
        } catch (IOException e) {
            throw new TransientStorageException(S3StorageDriver.NAME, key, "reading the payload failed: " + e.getMessage(), e);
        } finally {
            if (!completed) {
                abortQuietly(key, uploadId);
            }
        }
    }

    /**
     * Copies {@code size} bytes of {@code source} to {@code target} in parts inside the server,
     * replacing the metadata with {@code options}'; a create-only copy completes with
     * {@code If-None-Match: *}.
     */
    ObjectInfo copy(ObjectKey source, long size, ObjectKey target, PutOptions options) throws StorageException {
        long part = partSize(size);
        String uploadId = create(target, options.userMetadata());
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += part, number++) {
                String range = "bytes=" + offset + "-" + (Math.min(offset + part, size) - 1);
                int partNumber = number;
                var result = call(source, "UploadPartCopy " + partNumber + " to " + target, Request.READ,
                        () -> client.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(source.value()).destinationBucket(bucket)
                                .destinationKey(target.value()).uploadId(uploadId).partNumber(partNumber).copySourceRange(range)));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(result.copyPartResult().eTag()).build());
            }
            CompleteMultipartUploadResponse response = complete(target, uploadId, parts, options.createOnly());
            completed = true;
            return new ObjectInfo(target, size, S3Metadata.etag(response.eTag()), S3Metadata.lastModified(null, response),
                    options.userMetadata());
        } finally {
            if (!completed) {
                abortQuietly(target, uploadId);
            }
        }
    }

    /** The configured part size, raised where needed to stay within {@link #MAX_PARTS} parts. */
    long partSize(long size) {
        return Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
    }
}
