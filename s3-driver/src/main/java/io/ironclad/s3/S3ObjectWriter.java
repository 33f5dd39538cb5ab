package io.ironclad.s3;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.driver.WriterState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An S3 multipart upload whose target is chosen only at commit. S3 needs the key when an upload
 * starts, so the parts go to an upload at a staging key {@code _ironclad/uploads/<uuid>}; commit
 * completes it there (assembly by the part list, never a listing) and copies the staged object
 * to the target inside the server ({@code CopyObject}, or {@code UploadPartCopy} for objects
 * over 5 GiB and for create-only commits, whose completion carries {@code If-None-Match: *}),
 * then deletes the staged object. On Ceph RGW a copy within a bucket shares the data by
 * reference, so commit does not move the bytes again.
 *
 * <p>The {@link WriterState#uploadId()} is {@code <uuid>:<S3 upload id>}; the parts carry their
 * ETags (and CRC32 checksums in {@code location} where request checksums are on). An upload whose
 * staging was completed but whose copy failed (a create-only commit that lost a race) stays
 * usable: its staged object is found again by a resumed writer and copied by the next commit.
 *
 * <p>A writer {@linkplain #startAt started at its target} (the key and metadata known before the
 * first part: a large put) keeps its parts in a multipart upload of the target key itself, created
 * with the metadata, so commit is the completion alone: no copy, no staged object to delete, the
 * bytes written once. Nothing is visible under the target before the completion, and cancel only
 * aborts the upload (an object already stored under the target stays). Its upload id is
 * {@code =<target key, base64url>:<S3 upload id>}.
 */
final class S3ObjectWriter implements ObjectWriter {

    private static final System.Logger LOG = System.getLogger(S3ObjectWriter.class.getName());


    static final String STAGING_PREFIX = "_ironclad/uploads/";
    /** Starts the id of a writer whose upload is of its target key. */
    private static final String AT_TARGET = "=";

    private final S3StorageDriver driver;
    private final S3Multipart multipart;
    private final String id;
    private final String s3UploadId;
    /** Where the upload lives: the staging key, or the target itself for a writer started there. */
    private final ObjectKey staging;
    private final Optional<PutOptions> atTarget;
    private final List<PartInfo> parts;
    private boolean staged;
    private boolean closed;

    private S3ObjectWriter(S3StorageDriver driver, String id, String s3UploadId, List<PartInfo> parts, boolean staged) {
        this(driver, id, s3UploadId, parts, staged, ObjectKey.of(STAGING_PREFIX + id), Optional.empty());
    }

    private S3ObjectWriter(S3StorageDriver driver, String id, String s3UploadId, List<PartInfo> parts, boolean staged,
            ObjectKey uploadKey, Optional<PutOptions> atTarget) {
        this.driver = requireNonNull(driver, "driver is null");
        this.multipart = driver.multipart();
        this.id = id;
        this.s3UploadId = s3UploadId;
        this.staging = uploadKey;
        this.atTarget = atTarget;
        this.parts = new ArrayList<>(parts);
        this.staged = staged;
    }

    static S3ObjectWriter start(S3StorageDriver driver) throws StorageException {
        String id = UUID.randomUUID().toString();
        String s3UploadId = driver.multipart().create(ObjectKey.of(STAGING_PREFIX + id), Map.of());
        return new S3ObjectWriter(driver, id, s3UploadId, List.of(), false);
    }

    /** A writer whose upload is of {@code target} itself, created with {@code options}' user metadata. */
    static S3ObjectWriter startAt(S3StorageDriver driver, ObjectKey target, PutOptions options) throws StorageException {
        String s3UploadId = driver.multipart().create(target, options.userMetadata());
        return new S3ObjectWriter(driver, atTargetId(target), s3UploadId, List.of(), false, target, Optional.of(options));
    }

    private static String atTargetId(ObjectKey target) {
        return AT_TARGET + Base64.getUrlEncoder().withoutPadding().encodeToString(target.value().getBytes(StandardCharsets.UTF_8));
    }

    static S3ObjectWriter resume(S3StorageDriver driver, WriterState state) throws StorageException {
        if (!S3StorageDriver.NAME.equals(state.driver())) {
            throw new IllegalArgumentException("upload " + state.uploadId() + " belongs to driver " + state.driver() + ", not " + S3StorageDriver.NAME);
        }
        int colon = state.uploadId().indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("upload id '" + state.uploadId() + "' is not <uuid>:<S3 upload id>");
        }
        String id = state.uploadId().substring(0, colon);
        String s3UploadId = state.uploadId().substring(colon + 1);
        if (id.startsWith(AT_TARGET)) {
            return resumeAtTarget(driver, state, id, s3UploadId);
        }
        S3ObjectWriter writer = new S3ObjectWriter(driver, id, s3UploadId, state.parts(), false);
        if (driver.multipart().isOpen(writer.staging, s3UploadId)) {
            return writer;
        }
        Optional<ObjectInfo> stagedObject = driver.find(writer.staging, ReadOptions.FRESH);
        if (stagedObject.isPresent() && stagedObject.get().size() == state.size()) {
            writer.staged = true;
            return writer;
        }
        throw new ObjectNotFoundException(S3StorageDriver.NAME, writer.staging, "upload " + state.uploadId()
                + " was committed, cancelled or reaped");
    }

    /**
     * A writer started at its target continues while its upload is open. Its metadata went with
     * the upload's creation and is what the object gets; a resumed writer no longer knows it, so it
     * cannot refuse a commit that names other metadata.
     */
    private static S3ObjectWriter resumeAtTarget(S3StorageDriver driver, WriterState state, String id, String s3UploadId)
            throws StorageException {
        ObjectKey target = ObjectKey.of(new String(Base64.getUrlDecoder().decode(id.substring(AT_TARGET.length())), StandardCharsets.UTF_8));
        if (!driver.multipart().isOpen(target, s3UploadId)) {
            throw new ObjectNotFoundException(S3StorageDriver.NAME, target, "upload " + state.uploadId() + " was committed, cancelled or reaped");
        }
        return new S3ObjectWriter(driver, id, s3UploadId, state.parts(), false, target, Optional.empty());
    }

    @Override
    public WriterState state() {
        return new WriterState(S3StorageDriver.NAME, id + ":" + s3UploadId, parts);
    }

    @Override
    public PartInfo writePart(int number, Payload payload) throws StorageException {
        requireOpen();
        if (staged) {
            throw new PreconditionFailedException(S3StorageDriver.NAME, staging, "upload " + id + " is already assembled; only commit or cancel remain");
        }
        if (number != parts.size() + 1 && !(number == parts.size() && number > 0)) {
            throw new PreconditionFailedException(S3StorageDriver.NAME, staging, "upload " + id + " expects part "
                    + (parts.size() + 1) + " (or " + parts.size() + " again), got " + number);
        }
        if (payload.size() > S3DriverConfig.MAX_PART_SIZE) {
            throw new PreconditionFailedException(S3StorageDriver.NAME, staging, "part " + number + " of upload " + id + " has "
                    + payload.size() + " bytes, more than S3's " + S3DriverConfig.MAX_PART_SIZE);
        }
        PartInfo part = upload(number, payload);
        if (number == parts.size()) {
            parts.set(number - 1, part);
        } else {
            parts.add(part);
        }
        return part;
    }

    /**
     * Sends the part, except an empty one that replaces nothing: an empty part is left out of
     * the assembly, and Ceph RGW refuses a completion that leaves out a part it holds
     * (InvalidPart). S3 keeps the newer of two uploads of one part number, so a retried part
     * simply replaces it; an empty retry of a sent part is sent too, so the old bytes go.
     */
    private PartInfo upload(int number, Payload payload) throws StorageException {
        boolean replacesSent = number == parts.size() && !parts.get(number - 1).etag().isEmpty();
        if (payload.size() == 0 && !replacesSent) {
            return new PartInfo(number, 0, "", "");
        }
        CompletedPart uploaded = multipart.uploadPart(staging, s3UploadId, number, PayloadBody.of(payload));
        return new PartInfo(number, payload.size(), S3Metadata.etag(uploaded.eTag()),
                uploaded.checksumCRC32() == null ? "" : uploaded.checksumCRC32());
    }

    @Override
    public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
        requireOpen();
        if (options.createOnly() && !driver.capabilities().has(Capability.CONDITIONAL_CREATE)) {
            throw new UnsupportedCapabilityException(S3StorageDriver.NAME, target, Capability.CONDITIONAL_CREATE);
        }
        requirePartSizes(target);
        if (isAtTargetId()) {
            if (!staging.equals(target)) {
                throw new IllegalArgumentException("upload " + id + " was started at " + staging + "; it cannot be committed to " + target);
            }
            return completeAtTarget(target, options);
        }
        if (options.createOnly() && driver.find(target, ReadOptions.FRESH).isPresent()) {
            // refused before the staging upload is completed, so the upload stays as it was
            throw new ObjectAlreadyExistsException(S3StorageDriver.NAME, target, "create-only commit of upload " + id + " over an existing object");
        }
        long size = state().size();
        if (size == 0 && !staged) {
            ObjectInfo info = driver.put(target, Payload.ofBytes(new byte[0]), options);
            closed = true;
            multipart.abort(staging, s3UploadId);
            return info;
        }
        if (!staged) {
            multipart.complete(staging, s3UploadId, completedParts(), false);
            staged = true;
        }
        ObjectInfo info = driver.copyWithin(staging, size, target, options);
        closed = true;
        try {
            driver.delete(staging);
        } catch (StorageException leftBehind) {
            // the target is stored: a staging object left behind must not fail the commit (or a retry of it)
            LOG.log(System.Logger.Level.WARNING, "upload {0} committed to {1}; deleting its staging object failed: {2}",
                    id, target, leftBehind.getMessage());
        }
        return info;
    }

    /**
     * The completion of an upload of the target key, with If-None-Match for a create-only commit;
     * the metadata went with the upload's creation. An empty upload is an empty put instead (S3
     * cannot complete an upload without parts) and its upload is aborted.
     */
    private ObjectInfo completeAtTarget(ObjectKey target, PutOptions options) throws StorageException {
        if (atTarget.isPresent() && !atTarget.get().userMetadata().equals(options.userMetadata())) {
            throw new IllegalArgumentException("upload " + id + " was started with other user metadata than its commit names");
        }
        long size = state().size();
        if (size == 0) {
            ObjectInfo info = driver.put(target, Payload.ofBytes(new byte[0]), options);
            closed = true;
            multipart.abortQuietly(staging, s3UploadId);
            return info;
        }
        if (options.createOnly() && driver.find(target, ReadOptions.FRESH).isPresent()) {
            throw new ObjectAlreadyExistsException(S3StorageDriver.NAME, target, "create-only commit of upload " + id + " over an existing object");
        }
        var response = multipart.complete(target, s3UploadId, completedParts(), options.createOnly());
        closed = true;
        return new ObjectInfo(target, size, S3Metadata.etag(response.eTag()), S3Metadata.lastModified(null, response),
                options.userMetadata());
    }

    private boolean isAtTargetId() {
        return id.startsWith(AT_TARGET);
    }

    @Override
    public void cancel() throws StorageException {
        if (isAtTargetId()) {
            // the target may hold an object stored before (or by another upload): only this upload goes
            multipart.abort(staging, s3UploadId);
            closed = true;
            return;
        }
        if (!staged) {
            multipart.abort(staging, s3UploadId);
        }
        driver.delete(staging);
        closed = true;
    }

    /** Every part but the last non-empty one must reach S3's minimum; empty parts are left out of the assembly. */
    private void requirePartSizes(ObjectKey target) throws StorageException {
        int last = parts.size() - 1;
        while (last >= 0 && parts.get(last).size() == 0) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            PartInfo part = parts.get(i);
            if (part.size() > 0 && part.size() < S3DriverConfig.MIN_PART_SIZE) {
                throw new PreconditionFailedException(S3StorageDriver.NAME, target, "part " + part.number() + " of upload " + id + " has "
                        + part.size() + " bytes; every part but the last needs at least " + S3DriverConfig.MIN_PART_SIZE);
            }
        }
    }

    /** Every part the server holds: empty parts that were never sent are not among them. */
    private List<CompletedPart> completedParts() {
        List<CompletedPart> completed = new ArrayList<>();
        for (PartInfo part : parts) {
            if (!part.etag().isEmpty()) {
                completed.add(CompletedPart.builder().partNumber(part.number()).eTag(S3Metadata.quoted(part.etag()))
                        .checksumCRC32(part.location().isEmpty() ? null : part.location()).build());
            }
        }
        return completed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("upload " + id + " is already committed or cancelled");
        }
    }
}
