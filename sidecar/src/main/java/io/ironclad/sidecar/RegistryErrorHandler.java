package io.ironclad.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.StorageException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure of a registry request to an OCI error response. Backend trouble (storage
 * errors, consistency timeouts, database errors) is 503 with Retry-After, never 500, so clients
 * retry instead of aborting a push; a HEAD gets the status and headers without a body.
 */
@Singleton
@Produces
@Requires(classes = {RegistryException.class, ExceptionHandler.class})
final class RegistryErrorHandler implements ExceptionHandler<Exception, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryErrorHandler.class);
    static final String RETRY_AFTER_SECONDS = "5";

    private final ObjectMapper json;

    RegistryErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        LOG.debug("{} {} failed", request.getMethod(), request.getPath(), exception);
        if (exception instanceof RegistryException e) {
            MutableHttpResponse<?> response = error(request, e.code().status(), e.code().specCode(), e.detail());
            e.headers().forEach(response::header);
            return response;
        }
        if (exception instanceof ObjectNotFoundException e) {
            // the database said the object exists: a missing object is backend trouble, not a 404
            return unavailable(request, e);
        }
        if (exception instanceof StorageException || exception instanceof Metadata.MetadataException
                || exception instanceof UncheckedIOException || exception instanceof IOException) {
            return unavailable(request, exception);
        }
        LOG.error("unexpected failure on {} {}", request.getMethod(), request.getPath(), exception);
        return error(request, HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", exception.toString()).header("Retry-After", RETRY_AFTER_SECONDS);
    }

    private MutableHttpResponse<?> unavailable(HttpRequest<?> request, Exception e) {
        String kind = e instanceof ConsistencyTimeoutException ? "consistency timeout" : "backend unavailable";
        LOG.warn("{} on {} {}: {}", kind, request.getMethod(), request.getPath(), e.getMessage());
        return error(request, HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", kind + ": " + e.getMessage())
                .header("Retry-After", RETRY_AFTER_SECONDS);
    }

    private MutableHttpResponse<?> error(HttpRequest<?> request, HttpStatus status, String code, String detail) {
        MutableHttpResponse<?> response = HttpResponse.status(status).header("Cache-Control", "no-store");
        if (request.getMethod() == HttpMethod.PATCH || request.getMethod() == HttpMethod.PUT || request.getMethod() == HttpMethod.POST) {
            // an error may be answered before the request body was read to its end; the unread rest
            // must not be taken for the client's next request on a kept-alive connection
            response.header("Connection", "close");
        }
        if (request.getMethod() == HttpMethod.HEAD) {
            return response;
        }
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("code", code);
        error.put("message", detail);
        try {
            return response.body(json.writeValueAsBytes(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
