package io.ironclad.sidecar.http;

import io.ironclad.sidecar.http.body.Spooler;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.registry.Registry;
import io.ironclad.sidecar.registry.RegistryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.metadata.Metadata.SessionRow;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.ironclad.sidecar.auth.Caller;
import io.ironclad.sidecar.writeback.ReadContext;
import io.ironclad.sidecar.auth.Grants;
import io.ironclad.sidecar.auth.Scope;
import io.ironclad.sidecar.notifications.Action;
import io.ironclad.sidecar.notifications.Notifications;
import io.ironclad.sidecar.notifications.Target;
import io.ironclad.sidecar.proxy.LiveBlob;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI Distribution API ({@code /v2/...}). One catch-all route per method parses the path
 * (repository names contain slashes) and hands over to {@link Registry}; request and response
 * bodies are never buffered whole in memory (manifests excepted, bounded at 4 MiB).
 *
 * <p>Routes without a request body run on the blocking pool. POST, PATCH and PUT run on the event
 * loop only to start receiving their body through the {@link Spooler}, which holds no thread while
 * the client sends; the registry work runs on the blocking pool once the body is complete, so a
 * slow or vanished client never occupies a request thread.
 */
@Controller("/v2")
@Produces(MediaType.ALL)
@Consumes(MediaType.ALL)
public final class RegistryController {

    public static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String NO_STORE = "no-store";
    private static final int DEFAULT_PAGE = 1000;

    private final Registry registry;
    private final ObjectMapper json;
    private final Spooler spooler;
    private final long minChunk;

    private final AfterBody afterBody;

    private final boolean autoMount;
    private final Notifications notifications;

    private final ProxyHooks proxy;

    RegistryController(Registry registry, ObjectMapper json, Spooler spooler, AfterBody afterBody, Notifications notifications,
            @Value("${ironclad.uploads.auto-mount:true}") boolean autoMount, ProxyHooks proxy) {
        this.registry = registry;
        this.notifications = notifications;
        this.proxy = proxy;
        this.autoMount = autoMount;
        this.afterBody = afterBody;
        this.json = json;
        this.spooler = spooler;
        this.minChunk = spooler.minPartSize();
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get
    HttpResponse<?> base() {
        return HttpResponse.ok("{}").contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get("/_catalog")
    HttpResponse<?> catalog(@Nullable @QueryValue String n, @Nullable @QueryValue String last) {
        int limit = pageSize(n);
        List<String> repos = registry.catalog(last == null || last.isEmpty() ? "" : OciGrammar.name(last), limit);
        ObjectNode body = json.createObjectNode();
        body.putPOJO("repositories", repos);
        MutableHttpResponse<?> response = jsonResponse(body);
        if (repos.size() == limit && limit > 0) {
            response.header("Link", "</v2/_catalog?n=" + limit + "&last=" + encode(repos.get(limit - 1)) + ">; rel=\"next\"");
        }
        return response;
    }

    /** GET and HEAD (Micronaut routes HEAD to the GET route; a separate HEAD route would be ambiguous). */
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get("/{+path}")
    HttpResponse<?> get(@PathVariable String path, HttpRequest<?> request) throws StorageException {
        if (request.getMethod() == io.micronaut.http.HttpMethod.HEAD) {
            return head(path, request);
        }
        RegistryPath target = parseForRead(path);
        if (target instanceof RegistryPath.Blob blob) {
            return getBlob(blob, request);
        }
        if (target instanceof RegistryPath.Manifest manifest) {
            proxy.beforeManifest(manifest);
            ManifestRow row = registry.manifest(manifest.name(), manifest.reference());
            notifications.record(request, Action.PULL, manifestTarget(manifest, row));
            return manifestResponse(manifest, row, request, true);
        }
        if (target instanceof RegistryPath.UploadSession upload) {
            SessionRow session = registry.session(upload.name(), upload.id());
            return uploadAccepted(HttpResponse.noContent(), session);
        }
        if (target instanceof RegistryPath.Tags tags) {
            return tagList(tags.name(), request);
        }
        if (target instanceof RegistryPath.Referrers referrers) {
            return referrers(referrers, request.getParameters().get("artifactType"));
        }
        throw new RegistryException(ErrorCode.UNSUPPORTED, "GET not supported on /v2/" + path);
    }

    private HttpResponse<?> head(String path, HttpRequest<?> request) {
        RegistryPath target = parseForRead(path);
        if (target instanceof RegistryPath.Blob blob) {
            proxy.beforeBlob(blob);
            BlobRow row = registry.blob(blob.name(), blob.digest());
            if (notModified(request, row.digest())) {
                return notModified(row.digest(), IMMUTABLE);
            }
            return HttpResponse.ok().header("Docker-Content-Digest", row.digest().toString())
                    .header("ETag", EntityTags.of(row.digest())).header("Cache-Control", IMMUTABLE)
                    .header("Accept-Ranges", "bytes").contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                    .contentLength(row.size());
        }
        if (target instanceof RegistryPath.Manifest manifest) {
            proxy.beforeManifest(manifest);
            return manifestResponse(manifest, registry.manifest(manifest.name(), manifest.reference()), request, false);
        }
        throw new RegistryException(ErrorCode.UNSUPPORTED, "HEAD not supported on /v2/" + path);
    }

    /**
     * The path of a GET or HEAD. A manifest reference that is no valid tag names no manifest: the
     * distribution spec's only failure of a manifest fetch is 404 MANIFEST_UNKNOWN (a PUT to it
     * stays 400 TAG_INVALID).
     */
    private static RegistryPath parseForRead(String path) {
        try {
            return RegistryPath.parse(path);
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.TAG_INVALID) {
                throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "no such manifest: " + e.detail());
            }
            throw e;
        }
    }

    @Post("/{+path}")
    CompletableFuture<HttpResponse<?>> post(@PathVariable String path, HttpRequest<?> request) {
        RegistryPath target = RegistryPath.parse(path);
        if (!(target instanceof RegistryPath.Uploads uploads)) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "POST not supported on /v2/" + path);
        }
        proxy.refuseWrite(uploads.name());
        return afterBody.run(spooler.receive(request), payload -> post(uploads.name(), request, payload));
    }

    private HttpResponse<?> post(String name, HttpRequest<?> request, Spooler.RequestPayload body) throws StorageException {
        String mount = request.getParameters().get("mount");
        String from = request.getParameters().get("from");
        if (mount != null && from != null) {
            Digest digest = OciGrammar.digest(mount);
            Optional<BlobRow> mounted = registry.mount(name, digest, OciGrammar.name(from));
            if (mounted.isPresent()) {
                notifications.record(request, Action.MOUNT, Target.mountedBlob(name, digest, mounted.get().size(), from));
                return blobCreated(name, digest);
            }
        } else if (mount != null && autoMount) {
            Digest digest = OciGrammar.digest(mount);
            if (autoMount(name, digest, request)) {
                return blobCreated(name, digest);
            }
        }
        String digest = request.getParameters().get("digest");
        if (digest != null) {
            Digest expected = OciGrammar.digest(digest);
            BlobRow row = registry.putBlob(name, expected, body);
            notifications.record(request, Action.PUSH, Target.blob(name, expected, row.size()));
            return blobCreated(name, expected);
        }
        SessionRow session = registry.startUpload(name);
        return uploadAccepted(HttpResponse.accepted(), session);
    }

    /**
     * Automatic content discovery for a mount without {@code from}: links the blob from the first
     * repository that holds it and that the caller may pull from (the auth filter's {@link Caller};
     * none means no right at all), so the client need not upload what the registry already has.
     * The target itself counts as a source: a caller who may pull from it learns it is there.
     */
    private boolean autoMount(String name, Digest digest, HttpRequest<?> request) {
        Grants grants = request.getAttribute(Caller.ATTRIBUTE, Caller.class).map(Caller::grants).orElse(Grants.NONE);
        for (String source : registry.repositoriesHolding(digest)) {
            Optional<BlobRow> mounted = grants.allows(Scope.repository(source, Scope.PULL))
                    ? registry.mount(name, digest, source) : Optional.empty();
            if (mounted.isPresent()) {
                notifications.record(request, Action.MOUNT, Target.mountedBlob(name, digest, mounted.get().size(), source));
                return true;
            }
        }
        return false;
    }

    @Patch("/{+path}")
    CompletableFuture<HttpResponse<?>> patch(@PathVariable String path, HttpRequest<?> request) {
        RegistryPath.UploadSession upload = uploadSession(RegistryPath.parse(path), "PATCH");
        return afterBody.run(spooler.receive(request), payload -> {
            SessionRow session = registry.session(upload.name(), upload.id());
            Optional<Long> start = contentRangeStart(request.getHeaders().get("Content-Range"), session);
            return uploadAccepted(HttpResponse.accepted(), registry.append(session, start, payload));
        });
    }

    @Put("/{+path}")
    CompletableFuture<HttpResponse<?>> put(@PathVariable String path, HttpRequest<?> request) {
        RegistryPath target = RegistryPath.parse(path);
        if (target instanceof RegistryPath.Manifest manifest) {
            proxy.refuseWrite(manifest.name());
            CompletableFuture<Spooler.RequestPayload> body = spooler.receive(request, Registry.MANIFEST_LIMIT, size ->
                    new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest is larger than " + Registry.MANIFEST_LIMIT + " bytes"));
            return afterBody.run(body, payload -> putManifest(manifest, request, payload.bytes()));
        }
        RegistryPath.UploadSession upload = uploadSession(target, "PUT");
        Digest digest = OciGrammar.digest(request.getParameters().get("digest"));
        return afterBody.run(spooler.receive(request), payload -> {
            SessionRow session = registry.session(upload.name(), upload.id());
            Optional<Long> start = contentRangeStart(request.getHeaders().get("Content-Range"), session);
            BlobRow row = registry.complete(session, start, payload, digest);
            notifications.record(request, Action.PUSH, Target.blob(upload.name(), digest, row.size()));
            return blobCreated(upload.name(), digest);
        });
    }

    private HttpResponse<?> putManifest(RegistryPath.Manifest manifest, HttpRequest<?> request, byte[] bytes) throws StorageException {
        ManifestRow row = registry.putManifest(manifest.name(), manifest.reference(), request.getHeaders().get("Content-Type"), bytes);
        notifications.record(request, Action.PUSH, manifestTarget(manifest, row));
        MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.CREATED)
                .header("Location", "/v2/" + manifest.name() + "/manifests/" + row.digest())
                .header("Docker-Content-Digest", row.digest().toString());
        row.subject().ifPresent(s -> response.header("OCI-Subject", s.toString()));
        return response;
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Delete("/{+path}")
    HttpResponse<?> delete(@PathVariable String path, HttpRequest<?> request) throws StorageException {
        RegistryPath target = RegistryPath.parse(path);
        if (target instanceof RegistryPath.Blob || target instanceof RegistryPath.Manifest) {
            proxy.refuseWrite(target instanceof RegistryPath.Blob b ? b.name() : ((RegistryPath.Manifest) target).name());
        }
        if (target instanceof RegistryPath.Blob blob) {
            registry.deleteBlob(blob.name(), blob.digest());
            notifications.record(request, Action.DELETE, Target.blob(blob.name(), blob.digest(), 0));
            return HttpResponse.accepted();
        }
        if (target instanceof RegistryPath.Manifest manifest) {
            registry.deleteManifest(manifest.name(), manifest.reference());
            boolean byDigest = OciGrammar.isDigest(manifest.reference());
            notifications.record(request, Action.DELETE, Target.deletedManifest(manifest.name(),
                    byDigest ? Optional.of(OciGrammar.digest(manifest.reference())) : Optional.empty(),
                    byDigest ? Optional.empty() : Optional.of(manifest.reference())));
            return HttpResponse.accepted();
        }
        RegistryPath.UploadSession upload = uploadSession(target, "DELETE");
        registry.cancel(registry.session(upload.name(), upload.id()));
        return HttpResponse.noContent();
    }

    // ------------------------------------------------------------------ responses

    private HttpResponse<?> getBlob(RegistryPath.Blob blob, HttpRequest<?> request) throws StorageException {
        if (request.getHeaders().get("Range") == null) {
            // an uncached blob of a pull-through cache streams as it arrives (its last byte once verified)
            Optional<LiveBlob> live = proxy.liveBlob(blob);
            if (live.isPresent()) {
                notifications.record(request, Action.PULL, Target.blob(blob.name(), blob.digest(), live.get().size()));
                return HttpResponse.ok(new BlobBody(live.get().body(), live.get().size())).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                        .header("Docker-Content-Digest", blob.digest().toString()).header("ETag", EntityTags.of(blob.digest()))
                        .header("Cache-Control", IMMUTABLE).header("Accept-Ranges", "bytes");
            }
        }
        proxy.beforeBlob(blob);
        BlobRow row = registry.blob(blob.name(), blob.digest());
        if (notModified(request, row.digest())) {
            return notModified(row.digest(), IMMUTABLE);
        }
        Optional<ByteRange> range = HttpRanges.parse(request.getHeaders().get("Range"), row.size());
        ReadContext context = new ReadContext(blob.name(), Optional.ofNullable(request.getHeaders().get("Authorization")),
                request.getHeaders().contains(ReadContext.PROXIED_HEADER));
        VerifiedContent content = registry.openBlob(row, range, context);
        notifications.record(request, Action.PULL, Target.blob(blob.name(), row.digest(), row.size()));
        MutableHttpResponse<BlobBody> response = HttpResponse.status(range.isPresent() ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK);
        response.body(new BlobBody(content.body(), content.length())).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE);
        response.header("Docker-Content-Digest", row.digest().toString()).header("ETag", EntityTags.of(row.digest()))
                .header("Cache-Control", IMMUTABLE).header("Accept-Ranges", "bytes");
        content.range().ifPresent(r -> response.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + row.size()));
        return response;
    }

    private static Target manifestTarget(RegistryPath.Manifest manifest, ManifestRow row) {
        Optional<String> tag = OciGrammar.isDigest(manifest.reference()) ? Optional.empty() : Optional.of(manifest.reference());
        return Target.manifest(manifest.name(), row.digest(), row.mediaType(), row.content().length, tag);
    }

    private HttpResponse<?> manifestResponse(RegistryPath.Manifest target, ManifestRow row, HttpRequest<?> request, boolean withBody) {
        String cacheControl = target.byDigest() ? IMMUTABLE : NO_STORE;
        if (notModified(request, row.digest())) {
            return notModified(row.digest(), cacheControl);
        }
        MutableHttpResponse<?> response = withBody ? HttpResponse.ok(row.content()) : HttpResponse.ok();
        response.contentType(row.mediaType()).contentLength(row.content().length)
                .header("Docker-Content-Digest", row.digest().toString()).header("ETag", EntityTags.of(row.digest()))
                .header("Cache-Control", cacheControl);
        row.subject().ifPresent(s -> response.header("OCI-Subject", s.toString()));
        return response;
    }

    private HttpResponse<?> tagList(String name, HttpRequest<?> request) {
        int limit = pageSize(request.getParameters().get("n"));
        String last = request.getParameters().get("last");
        List<String> tags = registry.tags(name, last == null || last.isEmpty() ? "" : OciGrammar.tag(last), limit);
        ObjectNode body = json.createObjectNode();
        body.put("name", name);
        body.putPOJO("tags", tags);
        MutableHttpResponse<?> response = jsonResponse(body).header("Cache-Control", NO_STORE);
        if (tags.size() == limit && limit > 0) {
            response.header("Link", "</v2/" + name + "/tags/list?n=" + limit + "&last=" + encode(tags.get(limit - 1)) + ">; rel=\"next\"");
        }
        return response;
    }

    private HttpResponse<?> referrers(RegistryPath.Referrers target, @Nullable String artifactType) {
        List<JsonNode> descriptors = registry.referrers(target.name(), target.subject(), Optional.ofNullable(artifactType));
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.putArray("manifests").addAll(descriptors);
        MutableHttpResponse<?> response = HttpResponse.ok(bytes(index)).contentType("application/vnd.oci.image.index.v1+json");
        if (artifactType != null) {
            response.header("OCI-Filters-Applied", "artifactType");
        }
        return response;
    }

    private MutableHttpResponse<?> uploadAccepted(MutableHttpResponse<?> response, SessionRow session) {
        long size = session.state().size();
        return response.header("Location", "/v2/" + session.repository() + "/blobs/uploads/" + session.id())
                .header("Range", "0-" + Math.max(0, size - 1)).header("Docker-Upload-UUID", session.id())
                .header("OCI-Chunk-Min-Length", Long.toString(minChunk)).contentLength(0);
    }

    private static HttpResponse<?> blobCreated(String name, Digest digest) {
        return HttpResponse.status(HttpStatus.CREATED).header("Location", "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString()).contentLength(0);
    }

    private MutableHttpResponse<?> jsonResponse(JsonNode body) {
        return HttpResponse.ok(bytes(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RegistryPath.UploadSession uploadSession(RegistryPath target, String method) {
        if (target instanceof RegistryPath.UploadSession upload) {
            return upload;
        }
        throw new RegistryException(ErrorCode.UNSUPPORTED, method + " not supported on this path");
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d{1,18})-(\\d{1,18})(?:/(?:\\d{1,18}|\\*))?");

    /**
     * The first byte of a {@code Content-Range: <start>-<end>} header. A malformed one is 400
     * BLOB_UPLOAD_INVALID; one that does not continue the session is 416, checked by the registry.
     */
    private static Optional<Long> contentRangeStart(@Nullable String header, SessionRow session) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches() || Long.parseLong(m.group(2)) < Long.parseLong(m.group(1))) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range " + OciGrammar.quote(header)
                    + " (expected <first>-<last>)", Map.of("Range", "0-" + Math.max(0, session.state().size() - 1)));
        }
        return Optional.of(Long.parseLong(m.group(1)));
    }

    private static boolean notModified(HttpRequest<?> request, Digest digest) {
        return EntityTags.matches(request.getHeaders().get("If-None-Match"), EntityTags.of(digest));
    }

    /** 304 for a conditional GET or HEAD whose If-None-Match names the current entity: no body, the same validators. */
    private static MutableHttpResponse<?> notModified(Digest digest, String cacheControl) {
        return HttpResponse.notModified().header("ETag", EntityTags.of(digest)).header("Docker-Content-Digest", digest.toString())
                .header("Cache-Control", cacheControl);
    }

    /** The {@code n} query parameter: absent is the default page, else a non-negative number (capped at 10000). */
    private static int pageSize(@Nullable String n) {
        if (n == null || n.isEmpty()) {
            return DEFAULT_PAGE;
        }
        if (!n.matches("[0-9]{1,18}")) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a non-negative number, not " + OciGrammar.quote(n));
        }
        return (int) Math.min(Long.parseLong(n), 10_000);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
