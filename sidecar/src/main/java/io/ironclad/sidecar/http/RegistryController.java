package io.ironclad.sidecar.http;

import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.http.body.Spooler;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.concurrent.CompletableFuture;

/**
 * The OCI Distribution API ({@code /v2/...}): the router. One catch-all route per method parses
 * the path into a {@link RegistryPath} (repository names contain slashes) and hands it to the
 * handler of its resource: {@link BlobHandler}, {@link UploadHandler}, {@link ManifestHandler},
 * {@link TagListHandler}, {@link ReferrersHandler}, {@link CatalogHandler}. Refusals are thrown
 * and answered in one place ({@link RegistryErrorHandler}).
 *
 * <p>Routes without a request body run on the blocking pool. POST, PATCH and PUT run on the event
 * loop only to start receiving their body through the {@link Spooler}, which holds no thread while
 * the client sends; the handler's work runs on the blocking pool once the body is complete
 * ({@link AfterBody}), so a slow or vanished client never occupies a request thread.
 */
@Controller("/v2")
@Produces(MediaType.ALL)
@Consumes(MediaType.ALL)
final class RegistryController {

    private final BlobHandler blobs;
    private final UploadHandler uploads;
    private final ManifestHandler manifests;
    private final TagListHandler tags;
    private final ReferrersHandler referrers;
    private final CatalogHandler catalog;

    RegistryController(BlobHandler blobs, UploadHandler uploads, ManifestHandler manifests, TagListHandler tags,
            ReferrersHandler referrers, CatalogHandler catalog) {
        this.blobs = blobs;
        this.uploads = uploads;
        this.manifests = manifests;
        this.tags = tags;
        this.referrers = referrers;
        this.catalog = catalog;
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get
    HttpResponse<?> base() {
        return HttpResponse.ok("{}").contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get("/_catalog")
    HttpResponse<?> catalog(HttpRequest<?> request) {
        return catalog.list(request);
    }

    /** GET and HEAD (Micronaut routes HEAD to the GET route; a separate HEAD route would be ambiguous). */
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get("/{+path}")
    HttpResponse<?> get(@PathVariable String path, HttpRequest<?> request) throws StorageException {
        boolean head = request.getMethod() == HttpMethod.HEAD;
        RegistryPath target = parseForRead(path);
        if (target instanceof RegistryPath.Blob blob) {
            return head ? blobs.head(blob, request) : blobs.get(blob, request);
        }
        if (target instanceof RegistryPath.Manifest manifest) {
            return manifests.get(manifest, request, !head);
        }
        if (head) {
            throw unsupported("HEAD not supported on /v2/" + path);
        }
        if (target instanceof RegistryPath.UploadSession upload) {
            return uploads.status(upload);
        }
        if (target instanceof RegistryPath.Tags list) {
            return tags.list(list, request);
        }
        if (target instanceof RegistryPath.Referrers subject) {
            return referrers.list(subject, request);
        }
        throw unsupported("GET not supported on /v2/" + path);
    }

    @Post("/{+path}")
    CompletableFuture<HttpResponse<?>> post(@PathVariable String path, HttpRequest<?> request) {
        if (RegistryPath.parse(path) instanceof RegistryPath.Uploads target) {
            return uploads.post(target, request);
        }
        throw unsupported("POST not supported on /v2/" + path);
    }

    @Patch("/{+path}")
    CompletableFuture<HttpResponse<?>> patch(@PathVariable String path, HttpRequest<?> request) {
        return uploads.patch(uploadSession(RegistryPath.parse(path), "PATCH"), request);
    }

    @Put("/{+path}")
    CompletableFuture<HttpResponse<?>> put(@PathVariable String path, HttpRequest<?> request) {
        RegistryPath target = RegistryPath.parse(path);
        if (target instanceof RegistryPath.Manifest manifest) {
            return manifests.put(manifest, request);
        }
        return uploads.complete(uploadSession(target, "PUT"), request);
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Delete("/{+path}")
    HttpResponse<?> delete(@PathVariable String path, HttpRequest<?> request) throws StorageException {
        RegistryPath target = RegistryPath.parse(path);
        if (target instanceof RegistryPath.Blob blob) {
            return blobs.delete(blob, request);
        }
        if (target instanceof RegistryPath.Manifest manifest) {
            return manifests.delete(manifest, request);
        }
        return uploads.cancel(uploadSession(target, "DELETE"));
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

    private static RegistryPath.UploadSession uploadSession(RegistryPath target, String method) {
        if (target instanceof RegistryPath.UploadSession upload) {
            return upload;
        }
        throw unsupported(method + " not supported on this path");
    }

    private static RegistryException unsupported(String detail) {
        return new RegistryException(ErrorCode.UNSUPPORTED, detail);
    }
}
