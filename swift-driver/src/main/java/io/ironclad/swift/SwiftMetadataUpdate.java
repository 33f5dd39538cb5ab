package io.ironclad.swift;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.StorageException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata update in place with an object POST. A POST replaces all user metadata and every
 * system header the object server lets it set, so those headers are carried over from a fresh
 * HEAD: without {@code X-Object-Manifest} a POST would turn a Dynamic Large Object (how
 * docker-registry stores blobs) into its empty manifest. Swift's POST has no etag condition, so
 * the version is checked before and after; if another version raced in between and took the
 * new metadata, the keys the update added are taken off it again.
 */
final class SwiftMetadataUpdate {

    /** Headers a POST would otherwise drop: the object server's default {@code allowed_headers}, less reserved ones. */
    private static final List<String> KEPT = List.of("X-Object-Manifest", "Content-Disposition", "Content-Encoding", "Cache-Control",
            "Content-Language", "Expires", "X-Robots-Tag", "X-Delete-At");

    private final SwiftStorageDriver driver;
    private final SwiftHttp http;

    SwiftMetadataUpdate(SwiftStorageDriver driver, SwiftHttp http) {
        this.driver = driver;
        this.http = http;
    }

    ObjectInfo update(ObjectKey key, String expectedEtag, Map<String, String> metadata) throws StorageException {
        HttpHeaders before = freshHead(key);
        requireVersion(key, expectedEtag, before, "before");
        post(key, metadata, before);
        HttpHeaders after = freshHead(key);
        if (!SwiftHeaders.etag(after).equals(expectedEtag)) {
            undo(key, metadata, SwiftHeaders.metadata(before), after);
            throw new PreconditionFailedException(SwiftStorageDriver.NAME, key, "replaced while its metadata was updated (etag now "
                    + SwiftHeaders.etag(after) + ", expected " + expectedEtag + ")");
        }
        return SwiftHeaders.info(SwiftStorageDriver.NAME, key, after);
    }

    /** Takes the keys this update added off a version that raced in, if the POST reached it. */
    private void undo(ObjectKey key, Map<String, String> written, Map<String, String> original, HttpHeaders raced) throws StorageException {
        Map<String, String> current = SwiftHeaders.metadata(raced);
        if (!current.equals(written)) {
            return;
        }
        Map<String, String> restored = new HashMap<>(current);
        written.keySet().stream().filter(name -> !original.containsKey(name)).forEach(restored::remove);
        post(key, restored, raced);
    }

    private static void requireVersion(ObjectKey key, String expectedEtag, HttpHeaders headers, String when) throws StorageException {
        String etag = SwiftHeaders.etag(headers);
        if (!etag.equals(expectedEtag)) {
            throw new PreconditionFailedException(SwiftStorageDriver.NAME, key, "etag " + when + " the metadata update is " + etag
                    + ", not " + expectedEtag);
        }
    }

    private HttpHeaders freshHead(ObjectKey key) throws StorageException {
        HttpResponse<Void> response = http.send(key, "HEAD", session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, driver.config().container(), key.value(), null))
                .header("X-Auth-Token", session.token()).header("X-Newest", "true")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(), () -> false);
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(SwiftStorageDriver.NAME, key, "HEAD", SwiftErrors.Request.READ, response.statusCode());
        }
        return response.headers();
    }

    private void post(ObjectKey key, Map<String, String> metadata, HttpHeaders kept) throws StorageException {
        HttpResponse<Void> response = http.send(key, "POST metadata", session -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(SwiftHttp.objectUri(session, driver.config().container(), key.value(), null))
                    .header("X-Auth-Token", session.token()).POST(HttpRequest.BodyPublishers.noBody());
            for (String name : KEPT) {
                kept.firstValue(name).ifPresent(value -> request.header(name, value));
            }
            return SwiftHeaders.withMetadata(request, metadata);
        }, HttpResponse.BodyHandlers.discarding(), () -> false);
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(SwiftStorageDriver.NAME, key, "POST metadata", SwiftErrors.Request.WRITE, response.statusCode());
        }
    }
}
