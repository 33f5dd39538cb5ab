package io.ironclad.sidecar.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The headers every content answer shares: a blob's or manifest's digest, its entity tag
 * ({@link EntityTags}) and how long it may be cached, the conditional {@code 304}, and the
 * {@code 201} of a stored blob.
 */
final class Responses {

    /** Content addressed by digest never changes. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** What a tag names, and listings, change with every push. */
    static final String NO_STORE = "no-store";

    private Responses() {
    }

    /** Digest, entity tag and Cache-Control of a blob or manifest. */
    static <T> MutableHttpResponse<T> content(MutableHttpResponse<T> response, Digest digest, String cacheControl) {
        return response.header("Docker-Content-Digest", digest.toString()).header("ETag", EntityTags.of(digest))
                .header("Cache-Control", cacheControl);
    }

    /** Whether the request's If-None-Match names {@code digest}'s entity, so {@link #notModified} answers it. */
    static boolean notModified(HttpRequest<?> request, Digest digest) {
        return EntityTags.matches(request.getHeaders().get("If-None-Match"), EntityTags.of(digest));
    }

    /** 304 for a conditional GET or HEAD whose If-None-Match names the current entity: no body, the same validators. */
    static MutableHttpResponse<?> notModified(Digest digest, String cacheControl) {
        return HttpResponse.notModified().header("ETag", EntityTags.of(digest)).header("Docker-Content-Digest", digest.toString())
                .header("Cache-Control", cacheControl);
    }

    /** 201 for a blob now in {@code repository}, however it got there (push, upload, mount). */
    static MutableHttpResponse<?> blobCreated(String repository, Digest digest) {
        return HttpResponse.status(HttpStatus.CREATED).header("Location", "/v2/" + repository + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString()).contentLength(0);
    }

    /** 200 with {@code body} as JSON of the given media type. */
    static MutableHttpResponse<?> json(ObjectMapper json, JsonNode body, String mediaType) {
        try {
            return HttpResponse.ok(json.writeValueAsBytes(body)).contentType(mediaType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MutableHttpResponse<?> json(ObjectMapper json, JsonNode body) {
        return json(json, body, MediaType.APPLICATION_JSON);
    }
}
