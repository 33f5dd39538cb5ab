package io.ironclad.s3;

import static io.ironclad.s3.S3Errors.call;
import static io.ironclad.s3.S3Errors.send;
import static java.util.Objects.requireNonNull;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.driver.WriterState;
import io.ironclad.s3.S3Errors.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link StorageDriver} over the S3 API; see the module README for the request mapping.
 *
 * <p>Two clients: {@code primary} takes every write, listing and fresh read; {@code nearby} takes
 * plain reads. They are one client unless a freshness endpoint is configured, which then is the
 * primary (e.g. the master zone of a multisite RGW) while the configured endpoint is the nearby
 * zone that may lag behind it.
 */
final class S3StorageDriver implements StorageDriver {

    static final String NAME = "s3";
    /** S3 answers at most this many keys per listing request. */
    private static final int LIST_PAGE = 1000;

    private final S3DriverConfig config;
    private final S3Endpoint primary;
    private final S3Endpoint nearby;
    private final S3Multipart multipart;
    private final Capabilities capabilities;
    private final boolean sendSha256;

    S3StorageDriver(S3DriverConfig config, S3Endpoint primary, S3Endpoint nearby, boolean conditionalCreate, boolean sendSha256) {
        this.config = requireNonNull(config, "config is null");
        this.primary = requireNonNull(primary, "primary is null");
        this.nearby = requireNonNull(nearby, "nearby is null");
        this.multipart = new S3Multipart(primary, config.bucket(), config.partSize(),
                config.requestChecksums() == S3DriverConfig.ChecksumMode.WHEN_SUPPORTED);
        this.capabilities = capabilities(config, conditionalCreate);
        this.sendSha256 = sendSha256;
    }

    /** What a driver for {@code config} guarantees; only conditional create needs the server's answer. */
    static Capabilities capabilities(S3DriverConfig config, boolean conditionalCreate) {
        EnumSet<Capability> flags = EnumSet.of(Capability.SERVER_SIDE_COPY, Capability.RANGED_READ, Capability.LIST_AFTER_WRITE,
                Capability.METADATA_UPDATE);
        flags.add(config.freshnessEndpoint().isEmpty() ? Capability.READ_AFTER_WRITE : Capability.FRESHNESS_READ);
        if (conditionalCreate) {
            flags.add(Capability.CONDITIONAL_CREATE);
        }
        return new Capabilities(flags, S3DriverConfig.MIN_PART_SIZE, S3DriverConfig.MAX_PART_SIZE, config.partSize());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        HeadObjectRequest.Builder request = HeadObjectRequest.builder().bucket(config.bucket()).key(key.value());
        options.ifMatch().ifPresent(etag -> request.ifMatch(S3Metadata.quoted(etag)));
        return S3Metadata.info(key, call(key, "HEAD", readKind(options), () -> client(options).headObject(request.build())));
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(config.bucket()).key(key.value());
        options.range().ifPresent(range -> request.range("bytes=" + range));
        options.ifMatch().ifPresent(etag -> request.ifMatch(S3Metadata.quoted(etag)));
        if (config.responseChecksums() == S3DriverConfig.ChecksumMode.WHEN_SUPPORTED) {
            request.checksumMode(ChecksumMode.ENABLED);
        }
        ResponseInputStream<GetObjectResponse> response = call(key, "GET", readKind(options), () -> client(options).getObject(request.build()));
        try {
            GetObjectResponse answer = response.response();
            ObjectInfo info = S3Metadata.info(key, answer);
            if (options.ifMatch().isPresent() && !options.ifMatch().get().equals(info.etag())) {
                throw new PreconditionFailedException(NAME, key, "GET If-Match " + options.ifMatch().get() + " but the object's ETag is " + info.etag());
            }
            if (answer.contentRange() != null) {
                ByteRange range = S3Metadata.contentRange(key, answer.contentRange()).range();
                return new ObjectContent(info, Optional.of(range), new S3Body(response, range.length()));
            }
            if (options.range().isEmpty()) {
                return new ObjectContent(info, Optional.empty(), new S3Body(response, info.size()));
            }
            return locallyRanged(key, options.range().get(), info, response);
        } catch (StorageException | RuntimeException e) {
            response.abort();
            closeQuietly(response);
            throw e;
        }
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        if (options.createOnly() && !capabilities.has(Capability.CONDITIONAL_CREATE)) {
            throw new UnsupportedCapabilityException(NAME, key, Capability.CONDITIONAL_CREATE);
        }
        if (payload.size() > config.partSize()) {
            return multipart.put(key, payload, options);
        }
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(config.bucket()).key(key.value())
                .contentLength(payload.size()).metadata(options.userMetadata());
        if (options.createOnly()) {
            request.ifNoneMatch("*");
        }
        Optional<String> sha256 = sendSha256 ? S3Metadata.sha256Checksum(options.contentDigest()) : Optional.empty();
        if (sha256.isPresent()) {
            request.checksumSHA256(sha256.get());
        } else if (config.requestChecksums() == S3DriverConfig.ChecksumMode.WHEN_SUPPORTED) {
            request.checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32);
        }
        PayloadBody body = PayloadBody.of(payload);
        var response = send(key, "PUT", options.createOnly() ? Request.CREATE_ONLY_WRITE : Request.WRITE, body,
                () -> primary.forBody(payload.size()).putObject(request.build(), body.requestBody()));
        return new ObjectInfo(key, payload.size(), S3Metadata.etag(response.eTag()), S3Metadata.lastModified(null, response),
                options.userMetadata());
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return S3ObjectWriter.start(this);
    }

    /** The upload is of {@code target} itself, so commit completes it there without a copy ({@link S3ObjectWriter#startAt}). */
    @Override
    public ObjectWriter newWriter(ObjectKey target, PutOptions options) throws StorageException {
        return S3ObjectWriter.startAt(this, target, options);
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return S3ObjectWriter.resume(this, state);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        try {
            call(key, "DELETE", Request.DELETE, () -> primary.client().deleteObject(b -> b.bucket(config.bucket()).key(key.value())));
        } catch (ObjectNotFoundException alreadyGone) {
            // S3 answers 204 for a missing key; some servers answer 404, which means the same
        }
    }

    /**
     * Follows continuation tokens until the page is full, since S3 answers at most 1,000 keys
     * per request. Keys no {@link ObjectKey} can hold (written by someone else) are left out.
     */
    @Override
    public ListPage list(ListRequest request) throws StorageException {
        List<ListPage.Entry> entries = new ArrayList<>();
        String token = null;
        String last = null;
        while (true) {
            int want = Math.min(LIST_PAGE, request.limit() - entries.size());
            ListObjectsV2Request.Builder query = ListObjectsV2Request.builder().bucket(config.bucket()).maxKeys(want);
            if (!request.prefix().isEmpty()) {
                query.prefix(request.prefix());
            }
            if (token != null) {
                query.continuationToken(token);
            } else {
                request.startAfter().ifPresent(query::startAfter);
            }
            ListObjectsV2Response page = call(null, "LIST " + config.bucket() + "/" + request.prefix(), Request.OTHER,
                    () -> primary.client().listObjectsV2(query.build()));
            for (S3Object object : page.contents()) {
                last = object.key();
                listed(object).ifPresent(entries::add);
            }
            boolean more = Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null;
            if (!more) {
                return new ListPage(entries, Optional.empty());
            }
            if (entries.size() >= request.limit()) {
                return new ListPage(entries, Optional.of(last));
            }
            token = page.nextContinuationToken();
        }
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        if (options.createOnly() && !capabilities.has(Capability.CONDITIONAL_CREATE)) {
            throw new UnsupportedCapabilityException(NAME, target, Capability.CONDITIONAL_CREATE);
        }
        ObjectInfo from = stat(source, ReadOptions.FRESH);
        return copyWithin(source, from.size(), target, options);
    }

    /**
     * A copy of the object onto itself with {@code MetadataDirective: REPLACE}, conditional on
     * the expected etag ({@code x-amz-copy-source-if-match}), carrying over the content headers
     * a REPLACE would otherwise reset. One CopyObject, so objects up to 5 GiB.
     */
    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        var head = call(key, "HEAD", Request.READ, () -> primary.client().headObject(b -> b.bucket(config.bucket()).key(key.value())));
        if (!S3Metadata.etag(head.eTag()).equals(expectedEtag)) {
            throw new PreconditionFailedException(NAME, key, "ETag is " + S3Metadata.etag(head.eTag()) + ", not " + expectedEtag);
        }
        if (head.contentLength() > S3DriverConfig.MAX_PART_SIZE) {
            throw new StorageException(NAME, key, "metadata update of an object over 5 GiB (one CopyObject) is not supported");
        }
        var response = call(key, "COPY in place", Request.WRITE, () -> primary.client().copyObject(b -> b
                .sourceBucket(config.bucket()).sourceKey(key.value()).destinationBucket(config.bucket()).destinationKey(key.value())
                .copySourceIfMatch(S3Metadata.quoted(expectedEtag))
                .metadataDirective(MetadataDirective.REPLACE).metadata(userMetadata.userMetadata())
                .contentType(head.contentType()).contentEncoding(head.contentEncoding()).contentDisposition(head.contentDisposition())
                .contentLanguage(head.contentLanguage()).cacheControl(head.cacheControl()).expires(head.expires())));
        var result = response.copyObjectResult();
        return new ObjectInfo(key, head.contentLength(), S3Metadata.etag(result.eTag()), S3Metadata.lastModified(result.lastModified(), response),
                userMetadata.userMetadata());
    }

    @Override
    public void close() {
        primary.close();
        if (nearby != primary) {
            nearby.close();
        }
    }

    // --- shared with S3ObjectWriter ---

    /** Whether single-request puts carry {@code x-amz-checksum-sha256} (the server verifies it). */
    boolean sendsSha256() {
        return sendSha256;
    }

    S3Multipart multipart() {
        return multipart;
    }

    /**
     * Copies {@code source} of {@code size} bytes to {@code target} inside the server with
     * {@code options}' metadata: one CopyObject up to 5 GiB, else (and for create-only copies,
     * whose completion carries {@code If-None-Match: *}) a multipart copy.
     */
    ObjectInfo copyWithin(ObjectKey source, long size, ObjectKey target, PutOptions options) throws StorageException {
        if (size == 0) {
            return put(target, Payload.ofBytes(new byte[0]), options);
        }
        if (options.createOnly() || size > S3DriverConfig.MAX_PART_SIZE) {
            return multipart.copy(source, size, target, options);
        }
        var response = call(source, "COPY to " + target, Request.WRITE, () -> primary.client().copyObject(b -> b
                .sourceBucket(config.bucket()).sourceKey(source.value())
                .destinationBucket(config.bucket()).destinationKey(target.value())
                .metadataDirective(MetadataDirective.REPLACE).metadata(options.userMetadata())));
        var result = response.copyObjectResult();
        return new ObjectInfo(target, size, S3Metadata.etag(result.eTag()), S3Metadata.lastModified(result.lastModified(), response),
                options.userMetadata());
    }

    // --- helpers ---

    private S3Client client(ReadOptions options) {
        return (options.fresh() ? primary : nearby).client();
    }

    /** A plain read from a nearby zone may find the bucket not replicated yet: that is "not visible yet", not misconfiguration. */
    private Request readKind(ReadOptions options) {
        return options.fresh() || primary == nearby ? Request.READ : Request.REPLICA_READ;
    }

    /** A 200 to a ranged GET means the server ignored the range (e.g. on an empty object): apply it here. */
    private static ObjectContent locallyRanged(ObjectKey key, ByteRange requested, ObjectInfo info, ResponseInputStream<GetObjectResponse> response)
            throws StorageException {
        if (!requested.satisfiable(info.size())) {
            throw new RangeNotSatisfiableException(NAME, key, "range " + requested + " starts at or beyond the object's " + info.size() + " bytes");
        }
        ByteRange clamped = requested.clamp(info.size());
        try {
            response.skipNBytes(clamped.first());
        } catch (IOException e) {
            throw new TransientStorageException(NAME, key, "GET failed skipping to " + clamped.first() + ": " + e, e);
        }
        return new ObjectContent(info, Optional.of(clamped), new S3Body(response, clamped.length()));
    }

    private static Optional<ListPage.Entry> listed(S3Object object) {
        try {
            return Optional.of(new ListPage.Entry(ObjectKey.of(object.key()), object.size(), S3Metadata.etag(object.eTag()),
                    object.lastModified()));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(ResponseInputStream<?> in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
