package io.ironclad.sidecar.http;

import io.ironclad.driver.Digest;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.auth.Caller;
import io.ironclad.sidecar.auth.Grants;
import io.ironclad.sidecar.auth.Scope;
import io.ironclad.sidecar.http.body.Spooler;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.metadata.Metadata.SessionRow;
import io.ironclad.sidecar.notifications.Action;
import io.ironclad.sidecar.notifications.Notifications;
import io.ironclad.sidecar.notifications.Target;
import io.ironclad.sidecar.registry.BlobService;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.sidecar.registry.UploadService;
import io.ironclad.sidecar.registry.UploadSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v2/<name>/blobs/uploads/[<id>]}: POST starts an upload (or pushes a whole blob with
 * {@code ?digest=}, or mounts one with {@code ?mount=}), PATCH appends a chunk, PUT appends the last
 * one and completes the blob, GET reports progress, DELETE cancels. Every answer about a session
 * carries where it continues ({@code Range}) and the smallest chunk the store can assemble.
 */
@Singleton
final class UploadHandler {

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d{1,18})-(\\d{1,18})(?:/(?:\\d{1,18}|\\*))?");

    private final UploadService uploads;
    private final BlobService blobs;
    private final Notifications notifications;
    private final ProxyHooks proxy;
    private final Spooler spooler;
    private final AfterBody afterBody;
    private final UploadSettings settings;

    UploadHandler(UploadService uploads, BlobService blobs, Notifications notifications, ProxyHooks proxy, Spooler spooler,
            AfterBody afterBody, UploadSettings settings) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.notifications = notifications;
        this.proxy = proxy;
        this.spooler = spooler;
        this.afterBody = afterBody;
        this.settings = settings;
    }

    CompletableFuture<HttpResponse<?>> post(RegistryPath.Uploads target, HttpRequest<?> request) {
        proxy.refuseWrite(target.name());
        return afterBody.run(spooler.receive(request), body -> post(target.name(), request, body));
    }

    private HttpResponse<?> post(String name, HttpRequest<?> request, Spooler.RequestPayload body) throws StorageException {
        String mount = request.getParameters().get("mount");
        String from = request.getParameters().get("from");
        if (mount != null && from != null) {
            Digest digest = OciGrammar.digest(mount);
            Optional<BlobRow> mounted = blobs.mount(name, digest, OciGrammar.name(from));
            if (mounted.isPresent()) {
                notifications.record(request, Action.MOUNT, Target.mountedBlob(name, digest, mounted.get().size(), from));
                return Responses.blobCreated(name, digest);
            }
        } else if (mount != null && settings.autoMount()) {
            Digest digest = OciGrammar.digest(mount);
            if (autoMount(name, digest, request)) {
                return Responses.blobCreated(name, digest);
            }
        }
        String digest = request.getParameters().get("digest");
        if (digest != null) {
            Digest expected = OciGrammar.digest(digest);
            BlobRow row = blobs.put(name, expected, body);
            notifications.record(request, Action.PUSH, Target.blob(name, expected, row.size()));
            return Responses.blobCreated(name, expected);
        }
        return accepted(HttpResponse.accepted(), uploads.start(name));
    }

    /**
     * Automatic content discovery for a mount without {@code from}: links the blob from the first
     * repository that holds it and that the caller may pull from (the auth filter's {@link Caller};
     * none means no right at all), so the client need not upload what the registry already has.
     * The target itself counts as a source: a caller who may pull from it learns it is there.
     */
    private boolean autoMount(String name, Digest digest, HttpRequest<?> request) {
        Grants grants = request.getAttribute(Caller.ATTRIBUTE, Caller.class).map(Caller::grants).orElse(Grants.NONE);
        for (String source : blobs.repositoriesHolding(digest)) {
            Optional<BlobRow> mounted = grants.allows(Scope.repository(source, Scope.PULL))
                    ? blobs.mount(name, digest, source) : Optional.empty();
            if (mounted.isPresent()) {
                notifications.record(request, Action.MOUNT, Target.mountedBlob(name, digest, mounted.get().size(), source));
                return true;
            }
        }
        return false;
    }

    HttpResponse<?> status(RegistryPath.UploadSession upload) {
        return accepted(HttpResponse.noContent(), uploads.session(upload.name(), upload.id()));
    }

    CompletableFuture<HttpResponse<?>> patch(RegistryPath.UploadSession upload, HttpRequest<?> request) {
        return afterBody.run(spooler.receive(request), chunk -> {
            SessionRow session = uploads.session(upload.name(), upload.id());
            Optional<Long> start = contentRangeStart(request.getHeaders().get("Content-Range"), session);
            return accepted(HttpResponse.accepted(), uploads.append(session, start, chunk));
        });
    }

    CompletableFuture<HttpResponse<?>> complete(RegistryPath.UploadSession upload, HttpRequest<?> request) {
        Digest digest = OciGrammar.digest(request.getParameters().get("digest"));
        return afterBody.run(spooler.receive(request), chunk -> {
            SessionRow session = uploads.session(upload.name(), upload.id());
            Optional<Long> start = contentRangeStart(request.getHeaders().get("Content-Range"), session);
            BlobRow row = uploads.complete(session, start, chunk, digest);
            notifications.record(request, Action.PUSH, Target.blob(upload.name(), digest, row.size()));
            return Responses.blobCreated(upload.name(), digest);
        });
    }

    HttpResponse<?> cancel(RegistryPath.UploadSession upload) throws StorageException {
        uploads.cancel(uploads.session(upload.name(), upload.id()));
        return HttpResponse.noContent();
    }

    private MutableHttpResponse<?> accepted(MutableHttpResponse<?> response, SessionRow session) {
        long size = session.state().size();
        return response.header("Location", "/v2/" + session.repository() + "/blobs/uploads/" + session.id())
                .header("Range", "0-" + Math.max(0, size - 1)).header("Docker-Upload-UUID", session.id())
                .header("OCI-Chunk-Min-Length", Long.toString(uploads.minChunkLength())).contentLength(0);
    }

    /**
     * The first byte of a {@code Content-Range: <start>-<end>} header. A malformed one is 400
     * BLOB_UPLOAD_INVALID; one that does not continue the session is 416, checked by the upload service.
     */
    private static Optional<Long> contentRangeStart(@Nullable String header, SessionRow session) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches() || Long.parseLong(m.group(2)) < Long.parseLong(m.group(1))) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range " + OciGrammar.quote(header)
                    + " (expected <first>-<last>)", new RegistryException.UploadProgress(session.state().size(), Optional.empty()));
        }
        return Optional.of(Long.parseLong(m.group(1)));
    }
}
