package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.BoundedInputStream;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PathEncoding;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** {@link StorageDriver} over Swift's object API; see the module README for the request mapping. */
final class SwiftStorageDriver implements StorageDriver {

    static final String NAME = "swift";

    private final SwiftDriverConfig config;
    private final SwiftHttp http;
    private final Capabilities capabilities;
    private final SwiftListing listing;

    SwiftStorageDriver(SwiftDriverConfig config, SwiftHttp http) {
        this.config = requireNonNull(config, "config is null");
        this.http = requireNonNull(http, "http is null");
        this.capabilities = capabilities(config);
        this.listing = new SwiftListing(NAME, config.container(), http);
    }

    /** What a driver for {@code config} guarantees: known from the configuration alone. */
    static Capabilities capabilities(SwiftDriverConfig config) {
        EnumSet<Capability> supported = EnumSet.of(Capability.FRESHNESS_READ, Capability.SERVER_SIDE_COPY, Capability.RANGED_READ,
                Capability.METADATA_UPDATE);
        if (config.conditionalCreate()) {
            supported.add(Capability.CONDITIONAL_CREATE);
        }
        return new Capabilities(supported, 1, SwiftDriverConfig.MAX_SEGMENT_SIZE, config.segmentSize());
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
        HttpResponse<Void> response = http.send(key, "HEAD", session -> readRequest(session, key, options, false).method("HEAD",
                HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(), () -> false);
        if (response.statusCode() != 200 && response.statusCode() != 204) {
            throw SwiftErrors.forStatus(NAME, key, "HEAD", SwiftErrors.Request.READ, response.statusCode());
        }
        return SwiftHeaders.info(NAME, key, response.headers());
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        SwiftHttp.Streamed response = http.openStream(key, "GET", session -> readRequest(session, key, options, true).GET());
        try {
            if (response.statusCode() == 200 || response.statusCode() == 206) {
                requireMatch(key, options, SwiftHeaders.etag(response.headers()));
            }
            if (response.statusCode() == 206) {
                ObjectInfo info = SwiftHeaders.info(NAME, key, response.headers());
                return new ObjectContent(info, Optional.of(SwiftHeaders.contentRange(NAME, key, response.headers())), response.body());
            }
            if (response.statusCode() == 200) {
                return wholeOrLocallyRanged(key, options, response);
            }
            throw SwiftErrors.forStatus(NAME, key, "GET", SwiftErrors.Request.READ, response.statusCode());
        } catch (StorageException | RuntimeException e) {
            closeQuietly(response.body());
            throw e;
        }
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        if (payload.size() > config.segmentSize()) {
            return putLarge(key, payload, options);
        }
        HttpHeaders headers = putObject(config.container(), key.value(), key, null, PayloadPublisher.of(payload),
                options.userMetadata(), options.createOnly(), "PUT");
        return new ObjectInfo(key, payload.size(), SwiftHeaders.etag(headers), SwiftHeaders.lastModified(NAME, key, headers),
                options.userMetadata());
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return SwiftObjectWriter.start(this);
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return SwiftObjectWriter.resume(this, state);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        // ?multipart-manifest=delete removes an SLO with its segments; on a plain object it deletes
        // nothing and says "Not an SLO manifest", so a plain DELETE follows
        HttpResponse<byte[]> slo = http.send(key, "DELETE manifest", session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, config.container(), key.value(), "multipart-manifest=delete"))
                .header("X-Auth-Token", session.token()).header("Accept", "application/json").DELETE(),
                HttpResponse.BodyHandlers.ofByteArray(), () -> false);
        if (!SwiftErrors.isSuccess(slo.statusCode())) {
            throw SwiftErrors.forStatus(NAME, key, "DELETE manifest", SwiftErrors.Request.DELETE, slo.statusCode());
        }
        BulkDeleteResult result = BulkDeleteResult.parse(NAME, key, slo.body());
        if (result.status() >= 500 || result.status() == 401 || result.status() == 403) {
            throw SwiftErrors.forStatus(NAME, key, "DELETE manifest", SwiftErrors.Request.DELETE, result.status());
        }
        if (result.deleted() == 0) {
            deleteObject(config.container(), key.value(), key);
        }
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return listing.list(request);
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        String copyFrom = "/" + PathEncoding.segment(config.container()) + "/" + PathEncoding.path(source.value());
        HttpResponse<Void> response = http.send(target, "COPY from " + source, session -> SwiftHeaders.withMetadata(HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, config.container(), target.value(), null))
                .header("X-Auth-Token", session.token())
                .header("X-Copy-From", copyFrom)
                .header("X-Fresh-Metadata", "true")
                .header("X-Newest", "true")
                .PUT(HttpRequest.BodyPublishers.noBody()), options.userMetadata()), HttpResponse.BodyHandlers.discarding(), () -> false);
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            ObjectKey blamed = response.statusCode() == 404 ? source : target;
            throw SwiftErrors.forStatus(NAME, blamed, "COPY from " + source + " to " + target, SwiftErrors.Request.WRITE, response.statusCode());
        }
        return stat(target, ReadOptions.FRESH);
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        return new SwiftMetadataUpdate(this, http).update(key, expectedEtag, userMetadata.userMetadata());
    }

    @Override
    public void close() {
        // the JDK 17 HttpClient has no close(); its connections and selector thread end when it is collected
    }

    // --- helpers shared with SwiftObjectWriter ---

    SwiftDriverConfig config() {
        return config;
    }

    /** PUTs one object; returns the response headers of a 2xx, throws the mapped exception otherwise. */
    HttpHeaders putObject(String container, String object, ObjectKey errorKey, String query, PayloadPublisher body,
            Map<String, String> metadata, boolean createOnly, String action) throws StorageException {
        if (createOnly && !config.conditionalCreate()) {
            throw new UnsupportedCapabilityException(NAME, errorKey, Capability.CONDITIONAL_CREATE);
        }
        BooleanSupplier sent = body::fullySent;
        HttpResponse<Void> response = http.send(errorKey, action, session -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(SwiftHttp.objectUri(session, container, object, query))
                    .header("X-Auth-Token", session.token())
                    .PUT(body.publisher());
            if (createOnly) {
                request.header("If-None-Match", "*");
            }
            return SwiftHeaders.withMetadata(request, metadata);
        }, HttpResponse.BodyHandlers.discarding(), sent);
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(NAME, errorKey, action, createOnly ? SwiftErrors.Request.CREATE_ONLY_WRITE : SwiftErrors.Request.WRITE,
                    response.statusCode());
        }
        return response.headers();
    }

    /** DELETEs one object without touching segments; a missing object is fine. */
    void deleteObject(String container, String object, ObjectKey errorKey) throws StorageException {
        HttpResponse<Void> response = http.send(errorKey, "DELETE " + container + "/" + object, session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, container, object, null))
                .header("X-Auth-Token", session.token()).DELETE(), HttpResponse.BodyHandlers.discarding(), () -> false);
        if (!SwiftErrors.isSuccess(response.statusCode()) && response.statusCode() != 404) {
            throw SwiftErrors.forStatus(NAME, errorKey, "DELETE " + container + "/" + object, SwiftErrors.Request.DELETE, response.statusCode());
        }
    }

    /**
     * The headers of the Static Large Object at {@code key} on the newest replica if its manifest
     * names exactly {@code segmentPaths}; empty if the key is missing, not an SLO, or made of
     * other segments.
     */
    Optional<HttpHeaders> manifestOf(ObjectKey key, List<String> segmentPaths) throws StorageException {
        Optional<HttpHeaders> head = headFresh(config.container(), key.value(), key);
        if (head.isEmpty() || !head.get().firstValue("X-Static-Large-Object").orElse("").equalsIgnoreCase("true")) {
            return Optional.empty();   // only a manifest is read whole below: a plain object could be large
        }
        HttpResponse<byte[]> manifest = http.send(key, "GET manifest", session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, config.container(), key.value(), "multipart-manifest=get"))
                .header("X-Auth-Token", session.token()).header("X-Newest", "true").GET(), HttpResponse.BodyHandlers.ofByteArray(), () -> false);
        if (!SwiftErrors.isSuccess(manifest.statusCode())) {
            throw SwiftErrors.forStatus(NAME, key, "GET manifest", SwiftErrors.Request.READ, manifest.statusCode());
        }
        return SloManifest.storedSegmentPaths(manifest.body()).equals(segmentPaths) ? head : Optional.empty();
    }

    /** Whether an object exists on the newest replica ({@code X-Newest}). */
    boolean existsFresh(String container, String object, ObjectKey errorKey) throws StorageException {
        return headFresh(container, object, errorKey).isPresent();
    }

    /** The headers of an object on the newest replica ({@code X-Newest}); empty if it does not exist. */
    Optional<HttpHeaders> headFresh(String container, String object, ObjectKey errorKey) throws StorageException {
        HttpResponse<Void> response = http.send(errorKey, "HEAD " + container + "/" + object, session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, container, object, null))
                .header("X-Auth-Token", session.token()).header("X-Newest", "true")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(), () -> false);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(NAME, errorKey, "HEAD " + container + "/" + object, SwiftErrors.Request.READ, response.statusCode());
        }
        return Optional.of(response.headers());
    }

    private ObjectInfo putLarge(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        SwiftObjectWriter writer = SwiftObjectWriter.start(this);
        boolean committed = false;
        try {
            long segmentSize = config.segmentSize();
            int number = 1;
            for (long offset = 0; offset < payload.size(); offset += segmentSize, number++) {
                writer.writeSegment(number, PayloadPublisher.slice(payload, offset, Math.min(segmentSize, payload.size() - offset)));
            }
            ObjectInfo info = writer.commit(key, options);
            committed = true;
            return info;
        } finally {
            if (!committed) {
                writer.cancelQuietly();
            }
        }
    }

    private HttpRequest.Builder readRequest(SwiftSession session, ObjectKey key, ReadOptions options, boolean withRange) {
        HttpRequest.Builder request = HttpRequest.newBuilder(SwiftHttp.objectUri(session, config.container(), key.value(), null))
                .header("X-Auth-Token", session.token());
        if (options.fresh()) {
            request.header("X-Newest", "true");
        }
        options.ifMatch().ifPresent(etag -> request.header("If-Match", "\"" + etag + "\""));
        if (withRange) {
            options.range().ifPresent(range -> request.header("Range", "bytes=" + range));
        }
        return request;
    }

    /**
     * Checks {@code If-Match} here as well: Ceph RGW's Swift API compares it as a prefix of the
     * ETag, so {@code "<etag>-wrong"} passes there.
     */
    private static void requireMatch(ObjectKey key, ReadOptions options, String etag) throws StorageException {
        if (options.ifMatch().isPresent() && !options.ifMatch().get().equals(etag)) {
            throw new PreconditionFailedException(NAME, key, "GET If-Match " + options.ifMatch().get() + " but the object's ETag is " + etag);
        }
    }

    /** A 200 to a ranged GET means Swift ignored the range (e.g. on an empty object): apply it here. */
    private ObjectContent wholeOrLocallyRanged(ObjectKey key, ReadOptions options, SwiftHttp.Streamed response) throws StorageException {
        ObjectInfo info = SwiftHeaders.info(NAME, key, response.headers());
        if (options.range().isEmpty()) {
            return new ObjectContent(info, Optional.empty(), response.body());
        }
        ByteRange requested = options.range().get();
        if (!requested.satisfiable(info.size())) {
            throw new RangeNotSatisfiableException(NAME, key, "range " + requested + " starts at or beyond the object's " + info.size() + " bytes");
        }
        ByteRange clamped = requested.clamp(info.size());
        try {
            response.body().skipNBytes(clamped.first());
        } catch (IOException e) {
            throw SwiftErrors.forIo(NAME, key, "GET", false, e);
        }
        return new ObjectContent(info, Optional.of(clamped), new BoundedInputStream(response.body(), clamped.length(), "Swift response body"));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
