package io.ironclad.sidecar.http;

import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.notifications.Action;
import io.ironclad.sidecar.notifications.Notifications;
import io.ironclad.sidecar.notifications.Target;
import io.ironclad.sidecar.proxy.LiveBlob;
import io.ironclad.sidecar.registry.BlobService;
import io.ironclad.sidecar.writeback.ReadContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.Optional;

/** {@code /v2/<name>/blobs/<digest>}: GET (whole or one range), HEAD and DELETE of a blob. */
@Singleton
final class BlobHandler {

    private final BlobService blobs;
    private final Notifications notifications;
    private final ProxyHooks proxy;

    BlobHandler(BlobService blobs, Notifications notifications, ProxyHooks proxy) {
        this.blobs = blobs;
        this.notifications = notifications;
        this.proxy = proxy;
    }

    HttpResponse<?> head(RegistryPath.Blob blob, HttpRequest<?> request) {
        proxy.beforeBlob(blob);
        BlobRow row = blobs.blob(blob.name(), blob.digest());
        if (Responses.notModified(request, row.digest())) {
            return Responses.notModified(row.digest(), Responses.IMMUTABLE);
        }
        return Responses.content(HttpResponse.ok(), row.digest(), Responses.IMMUTABLE)
                .header("Accept-Ranges", "bytes").contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE).contentLength(row.size());
    }

    HttpResponse<?> get(RegistryPath.Blob blob, HttpRequest<?> request) throws StorageException {
        if (request.getHeaders().get("Range") == null) {
            // an uncached blob of a pull-through cache streams as it arrives (its last byte once verified)
            Optional<LiveBlob> live = proxy.liveBlob(blob);
            if (live.isPresent()) {
                notifications.record(request, Action.PULL, Target.blob(blob.name(), blob.digest(), live.get().size()));
                MutableHttpResponse<BlobBody> response = HttpResponse.ok(new BlobBody(live.get().body(), live.get().size()));
                response.contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE);
                return Responses.content(response, blob.digest(), Responses.IMMUTABLE).header("Accept-Ranges", "bytes");
            }
        }
        proxy.beforeBlob(blob);
        BlobRow row = blobs.blob(blob.name(), blob.digest());
        if (Responses.notModified(request, row.digest())) {
            return Responses.notModified(row.digest(), Responses.IMMUTABLE);
        }
        Optional<ByteRange> range = HttpRanges.parse(request.getHeaders().get("Range"), row.size());
        ReadContext context = new ReadContext(blob.name(), Optional.ofNullable(request.getHeaders().get("Authorization")),
                request.getHeaders().contains(ReadContext.PROXIED_HEADER));
        VerifiedContent content = blobs.open(row, range, context);
        notifications.record(request, Action.PULL, Target.blob(blob.name(), row.digest(), row.size()));
        MutableHttpResponse<BlobBody> response = HttpResponse.status(range.isPresent() ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK);
        response.body(new BlobBody(content.body(), content.length())).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE);
        Responses.content(response, row.digest(), Responses.IMMUTABLE).header("Accept-Ranges", "bytes");
        content.range().ifPresent(r -> response.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + row.size()));
        return response;
    }

    HttpResponse<?> delete(RegistryPath.Blob blob, HttpRequest<?> request) {
        proxy.refuseWrite(blob.name());
        blobs.delete(blob.name(), blob.digest());
        notifications.record(request, Action.DELETE, Target.blob(blob.name(), blob.digest(), 0));
        return HttpResponse.accepted();
    }
}
