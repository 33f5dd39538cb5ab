package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Static Large Object upload. Each part is a segment {@code <uploadId>/<%08d number>-<nonce>}
 * in the segments container; commit PUTs the SLO manifest naming every segment's path, etag and
 * size. A marker object {@code <uploadId>/upload} exists while the upload is open, so a
 * committed or cancelled upload cannot be resumed. The nonce gives a retried part a new name:
 * no replica can hold an older segment under the name the manifest points to.
 */
final class SwiftObjectWriter implements ObjectWriter {

    private static final System.Logger LOG = System.getLogger(SwiftObjectWriter.class.getName());


    private static final String MARKER = "upload";
    /** Marker metadata naming the object a commit was attempted to. */
    private static final String COMMIT_TARGET = "ironclad-commit-target";

    private final SwiftStorageDriver driver;
    private final String segments;
    private final String uploadId;
    private final List<PartInfo> parts;
    private boolean closed;

    private SwiftObjectWriter(SwiftStorageDriver driver, String uploadId, List<PartInfo> parts) {
        this.driver = requireNonNull(driver, "driver is null");
        this.segments = driver.config().segmentsContainer();
        this.uploadId = requireNonNull(uploadId, "uploadId is null");
        this.parts = new ArrayList<>(parts);
    }

    static SwiftObjectWriter start(SwiftStorageDriver driver) throws StorageException {
        SwiftObjectWriter writer = new SwiftObjectWriter(driver, UUID.randomUUID().toString(), List.of());
        writer.putMarker(Map.of(), "PUT upload marker " + writer.uploadId);
        return writer;
    }

    static SwiftObjectWriter resume(SwiftStorageDriver driver, WriterState state) throws StorageException {
        if (!SwiftStorageDriver.NAME.equals(state.driver())) {
            throw new IllegalArgumentException("upload " + state.uploadId() + " belongs to driver " + state.driver() + ", not " + SwiftStorageDriver.NAME);
        }
        SwiftObjectWriter writer = new SwiftObjectWriter(driver, state.uploadId(), state.parts());
        if (!driver.existsFresh(writer.segments, writer.markerName(), null)) {
            throw new ObjectNotFoundException(SwiftStorageDriver.NAME, null, "upload " + state.uploadId() + " was committed, cancelled or reaped");
        }
        return writer;
    }

    @Override
    public WriterState state() {
        return new WriterState(SwiftStorageDriver.NAME, uploadId, parts);
    }

    @Override
    public PartInfo writePart(int number, Payload payload) throws StorageException {
        if (payload.size() > SwiftDriverConfig.MAX_SEGMENT_SIZE) {
            throw new PreconditionFailedException(SwiftStorageDriver.NAME, null, "part " + number + " of upload " + uploadId + " has "
                    + payload.size() + " bytes, more than Swift's " + SwiftDriverConfig.MAX_SEGMENT_SIZE);
        }
        return writeSegment(number, PayloadPublisher.of(payload));
    }

    PartInfo writeSegment(int number, PayloadPublisher body) throws StorageException {
        requireOpen();
        if (number != parts.size() + 1 && !(number == parts.size() && number > 0)) {
            throw new PreconditionFailedException(SwiftStorageDriver.NAME, null, "upload " + uploadId + " expects part "
                    + (parts.size() + 1) + " (or " + parts.size() + " again), got " + number);
        }
        String object = String.format("%s/%08d-%s", uploadId, number, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        HttpHeaders headers = driver.putObject(segments, object, null, null, body, Map.of(), false,
                "PUT segment " + number + " of upload " + uploadId);
        PartInfo part = new PartInfo(number, body.length(), SwiftHeaders.etag(headers), segments + "/" + object);
        if (number == parts.size()) {
            PartInfo replaced = parts.set(number - 1, part);
            deleteSegment(replaced);
        } else {
            parts.add(part);
        }
        return part;
    }

    @Override
    public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
        requireOpen();
        HttpHeaders headers;
        long size = state().size();
        if (SloManifest.hasBytes(parts)) {
            byte[] manifest = SloManifest.json(parts);
            // from here on an object may be made of our segments: the marker names it, so cancel() spares them
            putMarker(Map.of(COMMIT_TARGET, target.value()), "PUT upload marker " + uploadId + " naming " + target);
            try {
                headers = driver.putObject(driver.config().container(), target.value(), target, "multipart-manifest=put",
                        PayloadPublisher.of(Payload.ofBytes(manifest)), options.userMetadata(), options.createOnly(),
                        "PUT manifest of upload " + uploadId);
            } catch (ObjectAlreadyExistsException e) {
                // An earlier attempt of this commit may have stored the manifest and lost its answer. Then
                // the object is made of our segments: report it committed, for a cancel would delete them.
                headers = driver.manifestOf(target, SloManifest.segmentPaths(parts)).orElseThrow(() -> e);
            }
        } else {
            headers = driver.putObject(driver.config().container(), target.value(), target, null,
                    PayloadPublisher.of(Payload.ofBytes(new byte[0])), options.userMetadata(), options.createOnly(), "PUT empty upload " + uploadId);
            deleteSegments();
        }
        closed = true;
        cleanUpAfterCommit(target);
        return new ObjectInfo(target, size, SwiftHeaders.etag(headers), SwiftHeaders.lastModified(SwiftStorageDriver.NAME, target, headers),
                options.userMetadata());
    }

    /**
     * The object is stored once its manifest is: a failure to delete empty segments or the marker
     * must not fail the commit. A marker left behind only lets the committed upload be resumed and
     * committed again, which rewrites the same manifest.
     */
    private void cleanUpAfterCommit(ObjectKey target) {
        try {
            for (PartInfo part : parts) {
                if (part.size() == 0) {   // not in the manifest, so nothing else would ever delete it
                    deleteSegment(part);
                }
            }
            driver.deleteObject(segments, markerName(), target);
        } catch (StorageException leftBehind) {
            LOG.log(System.Logger.Level.WARNING, "upload {0} committed to {1}; cleaning up its marker failed: {2}",
                    uploadId, target, leftBehind.getMessage());
        }
    }

    /**
     * Deletes the segments and the marker, unless the segments make up a stored object: an
     * attempted commit (its answer possibly lost) left the marker naming a target whose manifest
     * names exactly our segments. Without a marker the upload was committed or cancelled already.
     */
    @Override
    public void cancel() throws StorageException {
        Optional<HttpHeaders> marker = driver.headFresh(segments, markerName(), null);
        if (marker.isPresent() && !madeIntoObject(marker.get())) {
            deleteSegments();
        }
        driver.deleteObject(segments, markerName(), null);
        closed = true;
    }

    private boolean madeIntoObject(HttpHeaders marker) throws StorageException {
        String target = SwiftHeaders.metadata(marker).get(COMMIT_TARGET);
        return target != null && driver.manifestOf(ObjectKey.of(target), SloManifest.segmentPaths(parts)).isPresent();
    }

    void cancelQuietly() {
        try {
            cancel();
        } catch (StorageException ignored) {
            // the caller is already failing; leftover segments are reaped with the upload marker
        }
    }

    private void deleteSegments() throws StorageException {
        for (PartInfo part : parts) {
            deleteSegment(part);
        }
    }

    private void deleteSegment(PartInfo part) throws StorageException {
        String object = part.location().substring(segments.length() + 1);
        driver.deleteObject(segments, object, null);
    }

    private void putMarker(Map<String, String> metadata, String action) throws StorageException {
        driver.putObject(segments, markerName(), null, null, PayloadPublisher.of(Payload.ofBytes(new byte[0])), metadata, false, action);
    }

    private String markerName() {
        return uploadId + "/" + MARKER;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("upload " + uploadId + " is already committed or cancelled");
        }
    }
}
